import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional } from 'class-validator';
import {
  confidenceProperty,
  OccurredDto,
  occurredProperty,
  slugProperty,
  SourceDto,
  sourcesProperty,
} from '../../../../shared/http/dto/fact.dto.js';
import type { Confidence } from '../../../../shared/domain/facts.js';

export class AssumeOfficeRequestDto {
  @slugProperty('The established office.', 'president-of-syria', 'path')
  officeId!: string;

  @slugProperty('The registered person who took office.', 'bashar-al-assad')
  personId!: string;

  @ApiPropertyOptional({ description: 'An acting (interim) term. Default false.', default: false })
  @IsOptional()
  @IsBoolean()
  acting?: boolean;

  @occurredProperty()
  occurred!: OccurredDto;

  @sourcesProperty()
  sources!: SourceDto[];

  @confidenceProperty()
  confidence?: Confidence;
}
