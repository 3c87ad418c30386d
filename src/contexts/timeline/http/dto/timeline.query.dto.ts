import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, MaxLength } from 'class-validator';
import { IsAsAt, IsCalendarDay } from '../../../../infrastructure/projections/as-at.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../../../../shared/domain/facts.js';

const AS_AT_DESCRIPTION =
  'Recorded time: the timeline as known at this moment, an ISO 8601 timestamp or a log position (non-negative ' +
  'integer: every event at or before it). Facts and corrections recorded later are left out. Default: everything.';

const slug = () => Matches(SLUG_PATTERN, { message: 'must be a slug id (lowercase letters, digits and single dashes)' });

export class TimelineQueryDto {
  @ApiPropertyOptional({ description: 'Facts whose valid time ends on or after this day (YYYY-MM-DD)', example: '2024-11-27', format: 'date' })
  @IsOptional()
  @IsCalendarDay()
  from?: string;

  @ApiPropertyOptional({ description: 'Facts whose valid time starts on or before this day (YYYY-MM-DD)', example: '2024-12-08', format: 'date' })
  @IsOptional()
  @IsCalendarDay()
  to?: string;

  @ApiPropertyOptional({ description: 'Only facts about this place', example: 'hama' })
  @IsOptional()
  @slug()
  @MaxLength(SLUG_MAX_LENGTH)
  placeId?: string;

  @ApiPropertyOptional({ description: 'Only facts naming this person (personId, speakerPersonId or depictsPersonId)', example: 'bashar-al-assad' })
  @IsOptional()
  @slug()
  @MaxLength(SLUG_MAX_LENGTH)
  personId?: string;

  @ApiPropertyOptional({
    description: 'Only facts naming this faction (factionId, fromFactionId, toppledByFactionId or onBehalfOfFactionId)',
    example: 'hts',
  })
  @IsOptional()
  @slug()
  @MaxLength(SLUG_MAX_LENGTH)
  factionId?: string;

  @ApiPropertyOptional({ description: 'Also show retracted facts, marked retracted with their notice', enum: ['true', 'false'] })
  @IsOptional()
  @IsIn(['true', 'false'])
  includeRetracted?: string;

  @ApiPropertyOptional({ description: AS_AT_DESCRIPTION, example: '2024-12-05T10:00:00Z' })
  @IsOptional()
  @IsAsAt()
  asAt?: string;
}
