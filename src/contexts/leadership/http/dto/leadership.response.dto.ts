import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the leadership query answers (the handlers return plain objects of these shapes). */
export class OfficeHolderResponseDto {
  @ApiProperty({ example: 'president-of-syria' }) officeId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'bashar-al-assad', description: 'Null when vacant.' }) holder!: string | null;
  @ApiProperty() acting!: boolean;
  @ApiProperty({ nullable: true, type: String, example: '2000-07-17', description: 'Term start; when vacant, when the vacancy began.' })
  since!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Term end when known (exclusive).' }) until!: string | null;
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
  @ApiProperty({ type: [String] }) sourceEventIds!: string[];
}

export class PersonTermResponseDto extends TermResponseDto {
  @ApiProperty({ example: 'president-of-syria' }) officeId!: string;
}

export class VacancyResponseDto {
  @ApiProperty({ example: '2024-12-08' }) from!: string;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
}
