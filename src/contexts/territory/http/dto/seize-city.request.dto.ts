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

export class SeizeCityRequestDto {
  @slugProperty('The registered place that was seized.', 'hama', 'path')
  placeId!: string;

  @slugProperty('The registered faction that took control.', 'hts')
  factionId!: string;

  @slugProperty('The registered faction that held it before, when known.', 'syrian-government', false)
  fromFactionId?: string;

  @occurredProperty()
  occurred!: OccurredDto;

  @sourcesProperty()
  sources!: SourceDto[];

  @confidenceProperty()
  confidence?: Confidence;

  @textProperty('What happened, in a sentence or two.', LIMITS.summary, 'HTS fighters entered Hama after government forces withdrew.', false)
  summary?: string;
}
