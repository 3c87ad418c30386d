import type { Confidence, Occurred, Source } from '../../../shared/domain/facts.js';

/** Wire contract: event type names and fields are never renamed. Stream: `statue-<statueId>`. */
export interface StatueToppledData {
  statueId: string;
  placeId: string;
  depictsPersonId?: string;
  toppledByFactionId?: string;
  occurred: Occurred;
  sources: Source[];
  confidence?: Confidence;
  description?: string;
}

export type StatueToppled = { type: 'StatueToppled'; data: StatueToppledData };
export type StatueEvent = StatueToppled;
