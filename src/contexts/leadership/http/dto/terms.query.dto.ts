import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsAsAt } from '../../../../infrastructure/projections/as-at.js';
import { AS_AT_DESCRIPTION } from './office-holder.query.dto.js';

/** `asAt` for GET /leadership/offices/:officeId/terms, /vacancies and /leadership/people/:personId/terms. */
export class TermsQueryDto {
  @ApiPropertyOptional({ description: AS_AT_DESCRIPTION, example: '2024-12-08T12:00:00Z' })
  @IsOptional()
  @IsAsAt()
  asAt?: string;
}
