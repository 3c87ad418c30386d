import {
  confidenceProperty,
  LIMITS,
  OccurredDto,
  occurredProperty,
  slugProperty,
  SourceDto,
  sourcesProperty,
  textProperty,
} from '../../../../shared/http/dto/fact.dto.js';
import type { Confidence } from '../../../../shared/domain/facts.js';

export class ToppleStatueRequestDto {
  @slugProperty('The statue id, chosen by the editor.', 'hafez-al-assad-statue-hama', 'path')
  statueId!: string;

  @slugProperty('The registered place where the statue stood.', 'hama')
  placeId!: string;

  @slugProperty('The registered person the statue depicts.', 'hafez-al-assad', false)
  depictsPersonId?: string;

  @slugProperty('The registered faction that toppled it, when known.', 'hts', false)
  toppledByFactionId?: string;

  @occurredProperty()
  occurred!: OccurredDto;

  @sourcesProperty()
  sources!: SourceDto[];

  @confidenceProperty()
  confidence?: Confidence;

  @textProperty('What happened.', LIMITS.description, 'Residents pulled down the statue in the central square.', false)
  description?: string;
}
