import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength } from 'class-validator';
import { IsAsAt, IsCalendarDay } from '../../../../infrastructure/projections/as-at.js';
import { SLUG_MAX_LENGTH, SLUG_PATTERN } from '../../../../shared/domain/facts.js';
import { AS_AT_DESCRIPTION, AS_OF_DESCRIPTION } from './place-control.query.dto.js';

export class ControlMapQueryDto {
  @ApiPropertyOptional({ description: AS_OF_DESCRIPTION, example: '2024-12-06', format: 'date' })
  @IsOptional()
  @IsCalendarDay()
  asOf?: string;

  @ApiPropertyOptional({ description: 'Only the places this faction controls on asOf.', example: 'hts' })
  @IsOptional()
  @IsString()
  @MaxLength(SLUG_MAX_LENGTH)
  @Matches(SLUG_PATTERN, { message: 'must be a slug id (lower-case letters, digits and single dashes)' })
  factionId?: string;

  @ApiPropertyOptional({ description: AS_AT_DESCRIPTION, example: '2024-12-05T10:00:00Z' })
  @IsOptional()
  @IsAsAt()
  asAt?: string;
}
