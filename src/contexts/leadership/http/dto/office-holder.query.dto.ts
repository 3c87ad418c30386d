import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsAsAt, IsCalendarDay } from '../../../../infrastructure/projections/as-at.js';

export const AS_OF_DESCRIPTION = 'Valid time: the day asked about (YYYY-MM-DD, a date that exists). Default: today (UTC).';
export const AS_AT_DESCRIPTION =
  'Recorded time: answer as known at this moment, an ISO 8601 timestamp or a log position (non-negative integer: ' +
  'every event at or before it). Default: everything recorded.';

export class OfficeHolderQueryDto {
  @ApiPropertyOptional({ description: AS_OF_DESCRIPTION, example: '2024-12-07', format: 'date' })
  @IsOptional()
  @IsCalendarDay()
  asOf?: string;

  @ApiPropertyOptional({ description: AS_AT_DESCRIPTION, example: '2024-12-08T12:00:00Z' })
  @IsOptional()
  @IsAsAt()
  asAt?: string;
}
