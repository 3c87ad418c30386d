import { Inject, Injectable } from '@nestjs/common';
import { type AsAt, recordedBy } from '../../../infrastructure/projections/as-at.js';
import { READ_DB } from '../../../infrastructure/read-store/read-store.tokens.js';
import { parseJsonColumn } from '../../../infrastructure/read-store/json-column.js';
import type { ReadExecutor } from '../../../infrastructure/read-store/read-store.js';
import {
  type AmendmentNotice,
  ID_FIELDS,
  type RecordedAmendment,
  type RecordedFact,
  timeline,
  type TimelineEntry,
  type TimelineFilter,
} from '../domain/timeline.js';
import { type AmendmentRow, type FactRow, TimelineTables } from '../projections/timeline.tables.js';

/** One entry of GET /timeline: the fact as corrected, its ids at the top level, its correction notices. */
export type TimelineItem = Omit<TimelineEntry, 'ids' | 'endDate'> & Partial<Record<(typeof ID_FIELDS)[number], string>>;
export type { AmendmentNotice };


const toFact = (row: FactRow): RecordedFact => ({
  eventId: row.event_id,
  type: row.event_type,
  streamName: row.stream_name,
  data: parseJsonColumn<Record<string, unknown>>(row.data, {}),
  recordedPosition: BigInt(row.recorded_position),
  recordedAt: row.recorded_at,
});

const toAmendment = (row: AmendmentRow): RecordedAmendment => ({
  eventId: row.event_id,
  targetEventId: row.target_event_id,
  kind: row.kind === 'retracted' ? 'retracted' : 'corrected',
  changes: parseJsonColumn<Record<string, unknown>>(row.changes, {}),
  reason: row.reason,
  notice: row.notice,
  actor: row.actor,
  recordedPosition: BigInt(row.recorded_position),
  recordedAt: row.recorded_at,
});

export function toItem({ ids, endDate: _endDate, ...entry }: TimelineEntry): TimelineItem {
  const { eventId, type, streamName, occurred, effectiveDate, approximate, summary, ...rest } = entry;
  return { eventId, type, streamName, occurred, effectiveDate, approximate, summary, ...ids, ...rest };
}

/**
 * Reads the timeline: facts and amendments recorded up to `asAt` (everything by default), put together by the pure
 * domain function. Filters apply to the facts as corrected, so they run after the amendments.
 */
@Injectable()
export class TimelineReadModel {
  constructor(@Inject(READ_DB) private readonly db: ReadExecutor) {}

  async timeline(filter: TimelineFilter = {}, asAt?: AsAt): Promise<TimelineItem[]> {
    const facts = recordedBy(this.db.selectFrom(TimelineTables.facts).selectAll(), asAt);
    const amendments = recordedBy(this.db.selectFrom(TimelineTables.amendments).selectAll(), asAt);
    const factRows = (await facts.execute()) as FactRow[];
    const amendmentRows = (await amendments.execute()) as AmendmentRow[];
    return timeline(factRows.map(toFact), amendmentRows.map(toAmendment), filter).map(toItem);
  }
}
