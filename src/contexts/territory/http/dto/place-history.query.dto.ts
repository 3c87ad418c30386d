import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsAsAt } from '../../../../infrastructure/projections/as-at.js';
import { AS_AT_DESCRIPTION } from './place-control.query.dto.js';

export class PlaceHistoryQueryDto {
  @ApiPropertyOptional({ description: AS_AT_DESCRIPTION, example: '2024-12-05T10:00:00Z' })
  @IsOptional()
  @IsAsAt()
  asAt?: string;
}
