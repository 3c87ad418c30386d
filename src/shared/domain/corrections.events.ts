/**
 * Corrections and retractions (issue 4) are appended to the stream of the fact they amend.
 * Declared here so every projection can already ignore or apply them. Wire contract.
 */
export interface FactCorrectedData {
  eventId: string;
  /** The type of the amended event (CitySeized, ...), so a reader need not look it up. */
  factType?: string;
  /** Only the fields that change, with their new values; null removes an optional field. */
  changes: Record<string, unknown>;
  reason: string;
  notice: string;
}

export interface FactRetractedData {
  eventId: string;
  factType?: string;
  reason: string;
  notice: string;
}

export type FactCorrected = { type: 'FactCorrected'; data: FactCorrectedData };
export type FactRetracted = { type: 'FactRetracted'; data: FactRetractedData };
