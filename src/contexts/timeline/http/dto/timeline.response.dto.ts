import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** OpenAPI shapes of GET /timeline (the handler returns plain objects of these shapes). */
class OccurredDto {
  @ApiProperty({ example: '2024-12-05', description: 'YYYY-MM-DD, YYYY-MM or YYYY to match the precision' }) date!: string;
  @ApiProperty({ enum: ['day', 'month', 'year'], example: 'day' }) precision!: string;
}

class SourceDto {
  @ApiPropertyOptional({ example: 'Reuters' }) outlet?: string;
  @ApiPropertyOptional({ example: 'https://www.reuters.com/' }) url?: string;
  @ApiPropertyOptional() note?: string;
}

export class AmendmentNoticeDto {
  @ApiProperty({ description: 'The FactCorrected / FactRetracted event' }) eventId!: string;
  @ApiProperty({ nullable: true, type: String, description: 'The public notice' }) notice!: string | null;
  @ApiProperty({ nullable: true, type: String }) reason!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'Who made it (the key owner)' }) actor!: string | null;
  @ApiProperty({ example: '2024-12-06T09:00:00.000Z' }) recordedAt!: string;
}

export class TimelineItemResponseDto {
  @ApiProperty() eventId!: string;
  @ApiProperty({ enum: ['CitySeized', 'StatueToppled', 'StatementIssued', 'OfficeAssumed', 'OfficeLeft'] }) type!: string;
  @ApiProperty({ example: 'city-hama' }) streamName!: string;
  @ApiProperty({ type: OccurredDto, description: 'As corrected' }) occurred!: OccurredDto;
  @ApiProperty({ example: '2024-12-05', description: 'The first day the occurred date covers: the place in valid time' }) effectiveDate!: string;
  @ApiProperty({ description: 'Known only to the month or year' }) approximate!: boolean;
  @ApiProperty({ nullable: true, type: String, description: 'The summary, description or quote of the fact' }) summary!: string | null;
  @ApiPropertyOptional({ example: 'hama' }) placeId?: string;
  @ApiPropertyOptional({ example: 'hts' }) factionId?: string;
  @ApiPropertyOptional({ example: 'syrian-government' }) fromFactionId?: string;
  @ApiPropertyOptional() statueId?: string;
  @ApiPropertyOptional() depictsPersonId?: string;
  @ApiPropertyOptional() toppledByFactionId?: string;
  @ApiPropertyOptional() statementId?: string;
  @ApiPropertyOptional() speakerPersonId?: string;
  @ApiPropertyOptional() onBehalfOfFactionId?: string;
  @ApiPropertyOptional() officeId?: string;
  @ApiPropertyOptional() personId?: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: "The fact's body with every correction applied" }) data!: Record<string, unknown>;
  @ApiProperty({ type: [SourceDto] }) sources!: SourceDto[];
  @ApiProperty({ nullable: true, enum: ['confirmed', 'reported', 'disputed'] }) confidence!: string | null;
  @ApiProperty({
    description:
      "Another faction's seizure of the same place has a date sharing a day with this one (\"2012-07\" and \"2012-07-15\"; " +
      "on different first days, not when the later-starting one names the earlier one's faction as fromFactionId); or " +
      'another report of the start of the same term of office has a date sharing no day with it; or the confidence is disputed',
  })
  disputed!: boolean;
  @ApiProperty({ type: [String], description: 'The facts it is disputed with' }) disputedWith!: string[];
  @ApiProperty({ type: [AmendmentNoticeDto], description: 'Corrections applied, in order' }) corrections!: AmendmentNoticeDto[];
  @ApiProperty({ description: 'Only shown with includeRetracted=true' }) retracted!: boolean;
  @ApiProperty({ nullable: true, type: AmendmentNoticeDto }) retraction!: AmendmentNoticeDto | null;
  @ApiProperty({ description: 'When the desk recorded the fact' }) recordedAt!: string;
  @ApiProperty({ description: 'Log position of the fact (decimal string)' }) position!: string;
}
