import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsIn } from 'class-validator';
import {
  confidenceProperty,
  OccurredDto,
  occurredProperty,
  slugProperty,
  SourceDto,
  sourcesProperty,
} from '../../../../shared/http/dto/fact.dto.js';
import type { Confidence } from '../../../../shared/domain/facts.js';
import { LEAVE_REASONS, type LeaveReason } from '../../domain/leadership.events.js';

export class LeaveOfficeRequestDto {
  @slugProperty('The office.', 'president-of-syria', 'path')
  officeId!: string;

  @slugProperty('The person leaving; must hold the office (an open term in the office stream).', 'bashar-al-assad')
  personId!: string;

  @ApiProperty({ enum: LEAVE_REASONS, example: 'ousted' })
  @IsDefined()
  @IsIn(LEAVE_REASONS as unknown as string[])
  reason!: LeaveReason;

  @occurredProperty()
  occurred!: OccurredDto;

  @sourcesProperty()
  sources!: SourceDto[];

  @confidenceProperty()
  confidence?: Confidence;
}
