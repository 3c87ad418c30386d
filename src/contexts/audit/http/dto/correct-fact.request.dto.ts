import { ApiProperty } from '@nestjs/swagger';
import { IsDefined, IsObject, IsUUID } from 'class-validator';
import { LIMITS, textProperty } from '../../../../shared/http/dto/fact.dto.js';

const eventIdProperty = () => ApiProperty({ description: 'Id of the fact event amended (a uuid, from a command result or the audit log).', format: 'uuid' });

export class CorrectFactRequestDto {
  @eventIdProperty()
  @IsDefined()
  @IsUUID('all', { message: '$property must be an event id (uuid)' })
  eventId!: string;

  @ApiProperty({
    description:
      'The corrected fields of the fact\'s body (as its command takes them), with their new values; `null` removes an optional field. The merged fact is validated like the original command; the entity id (placeId of a seizure, statueId, statementId, officeId) cannot change.',
    example: { occurred: { date: '2024-12-06', precision: 'day' } },
    type: 'object',
    additionalProperties: true,
  })
  @IsDefined()
  @IsObject()
  changes!: Record<string, unknown>;

  @textProperty('Why it is corrected (internal, for auditors).', LIMITS.summary, 'The first report confused the date of the announcement with the date of the capture.')
  reason!: string;

  @textProperty('The public correction notice shown with the fact.', LIMITS.summary, 'An earlier version of this report gave the wrong date.')
  notice!: string;
}

export class RetractFactRequestDto {
  @eventIdProperty()
  @IsDefined()
  @IsUUID('all', { message: '$property must be an event id (uuid)' })
  eventId!: string;

  @textProperty('Why it is withdrawn (internal, for auditors).', LIMITS.summary, 'The only source was a hoax account.')
  reason!: string;

  @textProperty('The public retraction notice.', LIMITS.summary, 'We have withdrawn this report: it could not be verified.')
  notice!: string;
}
