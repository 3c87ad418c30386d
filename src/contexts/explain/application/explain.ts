import { Inject, Injectable, NotFoundException } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { AsAt } from '../../../infrastructure/projections/as-at.js';
import { type AuditedEvent, StreamHistoryQuery } from '../../audit/index.js';
import type { OfficeHolder, TermView } from '../../leadership/index.js';
import { GetTimelineQuery, type TimelineFilter, type TimelineItem } from '../../timeline/index.js';

/** A read-model answer and the raw events that produced it. */
export interface Explanation<Answer> {
  answer: Answer;
  /**
   * The facts the answer cites, the facts retracted about what it is about, and the corrections and retractions of
   * them, in log order, as the audit shows them.
   */
  events: AuditedEvent[];
}

const AMENDMENTS = new Set(['FactCorrected', 'FactRetracted']);

const targetOf = (event: AuditedEvent): string | undefined => {
  const target = (event.data as { eventId?: unknown } | null)?.eventId;
  return typeof target === 'string' ? target : undefined;
};

function recordedAtOf(event: AuditedEvent): string {
  const recordedAt = (event.metadata as { recordedAt?: unknown } | null)?.recordedAt;
  if (typeof recordedAt === 'string' && !Number.isNaN(Date.parse(recordedAt))) return new Date(recordedAt).toISOString();
  return event.created;
}

/** Whether an event was recorded by `asAt` (the same rule as the read models' asAt). */
export function recordedBy(event: AuditedEvent, asAt: AsAt | undefined): boolean {
  if (!asAt) return true;
  if (asAt.kind === 'position') return event.position !== null && BigInt(event.position) <= asAt.position;
  return recordedAtOf(event) <= asAt.recordedAt;
}

export interface SelectOptions {
  asAt?: AsAt;
  /**
   * Streams the answer is about as a whole (a place, an office): every fact retracted in them by asAt counts, with
   * its retraction, since it explains what the answer leaves out.
   */
  retractionsIn?: Iterable<string>;
}

/**
 * Picks, from the events of the streams an answer is about, the ones it cites, the facts retracted in the streams
 * named by `retractionsIn`, and every correction or retraction of them (corrections live in the stream of the fact
 * they amend), recorded by `asAt`.
 */
export function selectEvents(streamEvents: readonly AuditedEvent[], cited: Iterable<string>, options: SelectOptions = {}): AuditedEvent[] {
  const known = streamEvents.filter((event) => recordedBy(event, options.asAt));
  const wanted = new Set(cited);
  const whole = new Set(options.retractionsIn ?? []);
  for (const event of known) {
    const target = targetOf(event);
    if (event.type === 'FactRetracted' && target && whole.has(event.streamName)) wanted.add(target);
  }
  const selected = known.filter((event) => wanted.has(event.eventId) || (AMENDMENTS.has(event.type) && wanted.has(targetOf(event) ?? '')));
  const unique = new Map(selected.map((event) => [event.eventId, event]));
  return [...unique.values()].sort((a, b) => {
    const [pa, pb] = [BigInt(a.position ?? 0), BigInt(b.position ?? 0)];
    return pa < pb ? -1 : pa > pb ? 1 : 0;
  });
}

/**
 * A vacancy cites no term of its own, yet a term made it: the one whose end began the vacancy (`since`), ended by
 * the departure among its facts. Those facts explain a vacant answer; any other answer cites its own.
 */
export function vacancyCitations(answer: OfficeHolder, terms: readonly TermView[]): string[] {
  if (answer.holder !== null || answer.since === null) return [];
  return terms.filter((term) => term.end === answer.since).flatMap((term) => term.sourceEventIds);
}

/** Reads the raw events behind an answer through the audit context's stream history. */
@Injectable()
export class EventsBehind {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  async of(streamNames: Iterable<string>, cited: Iterable<string>, options: SelectOptions = {}): Promise<AuditedEvent[]> {
    const events: AuditedEvent[] = [];
    for (const streamName of new Set(streamNames)) {
      try {
        events.push(...(await this.queries.execute(new StreamHistoryQuery(streamName))));
      } catch (error) {
        if (!(error instanceof NotFoundException)) throw error;
      }
    }
    return selectEvents(events, cited, options);
  }

  /**
   * The facts of these types about a person or a faction that were retracted by `asAt`: what an answer about them
   * (a person's terms, a faction's map, a filtered timeline) leaves out. The timeline finds them across streams and
   * matches each filter on the fact as corrected, the way the answer would have.
   */
  async retractedAbout(filter: TimelineFilter, types: readonly string[] | 'any', asAt?: AsAt): Promise<TimelineItem[]> {
    const items = await this.queries.execute(new GetTimelineQuery({ ...filter, includeRetracted: true }, asAt));
    return items.filter((item) => item.retracted && (types === 'any' || types.includes(item.type)));
  }
}
