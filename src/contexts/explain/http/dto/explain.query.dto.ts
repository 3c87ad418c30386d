import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, Matches, MaxLength } from 'class-validator';
import { IsAsAt, IsCalendarDay } from '../../../../infrastructure/projections/as-at.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../../../../shared/domain/facts.js';

const AS_OF = 'Valid time: the day asked about (YYYY-MM-DD). Default: today (UTC).';
const AS_AT = 'Recorded time: as known at this ISO 8601 timestamp or log position. Default: everything recorded.';

export class ExplainAsAtQueryDto {
  @ApiPropertyOptional({ description: AS_AT, example: '2024-12-05T10:00:00Z' })
  @IsOptional()
  @IsAsAt()
  asAt?: string;
}

export class ExplainAsOfQueryDto extends ExplainAsAtQueryDto {
  @ApiPropertyOptional({ description: AS_OF, example: '2024-12-04', format: 'date' })
  @IsOptional()
  @IsCalendarDay()
  asOf?: string;
}

export class ExplainMapQueryDto extends ExplainAsOfQueryDto {
  @ApiPropertyOptional({ description: 'Only the places this faction held', example: 'hts' })
  @IsOptional()
  @Matches(SLUG_PATTERN, { message: 'must be a slug id (lowercase letters, digits and single dashes)' })
  @MaxLength(SLUG_MAX_LENGTH)
  factionId?: string;
}
