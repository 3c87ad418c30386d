import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the leadership query answers (the handlers return plain objects of these shapes). */
export class OccurredResponseDto {
  @ApiProperty({ example: '2000-07-17' }) date!: string;
  @ApiProperty({ enum: ['day', 'month', 'year'] }) precision!: string;
}

export class StartReportResponseDto {
  @ApiProperty({ example: '2000-07-17', description: 'The first day the reported date covers.' }) start!: string;
  @ApiProperty({ type: OccurredResponseDto, description: 'The date as reported.' }) occurred!: OccurredResponseDto;
  @ApiProperty({ description: 'Reported only to the month or year.' }) approximate!: boolean;
  @ApiProperty({ type: [String], description: 'The OfficeAssumed events that reported this start.' }) sourceEventIds!: string[];
}

export class OfficeHolderResponseDto {
  @ApiProperty({ example: 'president-of-syria' }) officeId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'bashar-al-assad', description: 'Null when vacant.' }) holder!: string | null;
  @ApiProperty() acting!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2000-07-17', description: 'Term start; when vacant, when the vacancy began.' })
  since!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Term end when known (exclusive).' }) until!: string | null;
  @ApiProperty({ description: "The holder's start or end is known only to the month or year." }) approximate!: boolean;
  @ApiProperty({ description: "Reports of the holder's start disagree (see startReports)." }) disputed!: boolean;
  @ApiProperty({ type: [StartReportResponseDto], description: "Each reported start of the holder's term, earliest first; [] when vacant." })
  startReports!: StartReportResponseDto[];
  @ApiProperty({ type: [String], description: 'Acting holders on that day (beside a full holder, or the holder itself when acting).' })
  actingHolders!: string[];
  @ApiProperty({ type: [String] }) sourceEventIds!: string[];
}

export class TermResponseDto {
  @ApiProperty({ example: 'bashar-al-assad' }) personId!: string;
  @ApiProperty({ nullable: true, type: String, example: '2000-07-17' }) start!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2024-12-08', description: 'Exclusive; null while current.' }) end!: string | null;
  @ApiProperty() acting!: boolean;
  @ApiProperty({ nullable: true, type: String, enum: ['died', 'resigned', 'ousted', 'term-ended', 'other'] }) endReason!: string | null;
  @ApiProperty({ nullable: true, type: String, example: 'hafez-al-assad', description: 'Previous non-acting holder.' }) predecessorId!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Next non-acting holder.' }) successorId!: string | null;
  @ApiProperty() approximate!: boolean;
  @ApiProperty({ description: 'Reports of the start disagree: start is the earliest reported, startReports lists each.' }) disputed!: boolean;
  @ApiProperty({ type: [StartReportResponseDto], description: 'Each reported start, earliest first, with its source events.' })
  startReports!: StartReportResponseDto[];
  @ApiProperty({ type: [String] }) sourceEventIds!: string[];
}

export class PersonTermResponseDto extends TermResponseDto {
  @ApiProperty({ example: 'president-of-syria' }) officeId!: string;
}

export class VacancyResponseDto {
  @ApiProperty({ example: '2024-12-08' }) from!: string;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
}
