import type { Confidence, Occurred, Source } from '../../../shared/domain/facts.js';

/** Wire contract: event type names and fields are never renamed. Stream: `statement-<statementId>`. */
export interface StatementIssuedData {
  statementId: string;
  speakerPersonId: string;
  onBehalfOfFactionId?: string;
  occurred: Occurred;
  quote: string;
  summary?: string;
  medium?: string;
  placeId?: string;
  sources: Source[];
  confidence?: Confidence;
}

export type StatementIssued = { type: 'StatementIssued'; data: StatementIssuedData };
export type StatementEvent = StatementIssued;
