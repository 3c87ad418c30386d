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

export class IssueStatementRequestDto {
  @slugProperty('The statement id, chosen by the editor.', 'jawlani-hama-victory-speech')
  statementId!: string;

  @slugProperty('The registered person who spoke.', 'abu-mohammed-al-jawlani')
  speakerPersonId!: string;

  @slugProperty('The registered faction the speaker spoke for.', 'hts', false)
  onBehalfOfFactionId?: string;

  @occurredProperty()
  occurred!: OccurredDto;

  @textProperty('The words, verbatim or as translated.', LIMITS.quote, 'We entered Hama.')
  quote!: string;

  @textProperty('A short summary.', LIMITS.summary, 'Al-Jawlani announced the capture of Hama.', false)
  summary?: string;

  @textProperty('Where it was said: video, telegram, speech, interview, ...', LIMITS.medium, 'video', false)
  medium?: string;

  @slugProperty('The registered place where it was said.', 'hama', false)
  placeId?: string;

  @sourcesProperty()
  sources!: SourceDto[];

  @confidenceProperty()
  confidence?: Confidence;
}
