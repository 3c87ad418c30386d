import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsAsAt, IsCalendarDay } from '../../../../infrastructure/projections/as-at.js';

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
