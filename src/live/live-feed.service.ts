import { type EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import { filter, Observable, Subject } from 'rxjs';
import { keysOfFact } from '../contexts/timeline/projections/timeline-facts.projection.js';
import { EVENT_STORE_CLIENT } from '../infrastructure/event-store/event-store.module.js';
import { amendmentKeys, type ChangeKeys, projectionBaseName, type ProjectionChange } from '../infrastructure/projections/projection.js';
import { toProjectedEvent } from '../infrastructure/projections/projected-event.js';
import { ProjectionRegistry } from '../infrastructure/projections/projection-registry.js';
import { ProjectionRunner, type ProjectionRunnerApi } from '../infrastructure/projections/projection-runner.js';

/** The read models a client can follow; each is fed by the projections whose name starts with `<feed>.`. */
export const LIVE_FEEDS = ['territory', 'leadership', 'timeline'] as const;
export type LiveFeed = (typeof LIVE_FEEDS)[number];

export type LiveFilter = Partial<Record<keyof ChangeKeys, string>>;

/** One SSE message: `id` is the log position it reflects; `data` names what changed. */
export interface LiveMessage {
  position: bigint;
  data: {
    position: string;
    eventType: string;
    eventId: string;
    streamName: string;
    keys: ChangeKeys;
    projections: string[];
  };
}

const REPLAY_PAGE = 500;

const KEY_FIELDS: Array<keyof ChangeKeys> = ['placeId', 'officeId', 'personId', 'factionId'];

const AMENDMENTS = new Set(['FactCorrected', 'FactRetracted']);

/** A factionId filter also matches the faction a seizure took the place from (as the timeline query does). */
const matches = (keys: ChangeKeys, wanted: LiveFilter) =>
  KEY_FIELDS.every(
    (field) =>
      wanted[field] === undefined || keys[field] === wanted[field] || (field === 'factionId' && keys.fromFactionId === wanted.factionId),
  );

/**
 * Whether a change concerns the filter: on its keys, or, for an amendment, on the fact as it stood just before it or
 * as recorded (AmendmentKeys: any version a subscriber may have been following). Live and replayed alike.
 */
const concerns = (change: Pick<ProjectionChange, 'keys' | 'before' | 'recorded'>, wanted: LiveFilter) =>
  [change.keys, change.before, change.recorded].some((keys) => keys !== undefined && matches(keys, wanted));

/** A stream as the replay reads it: its events by id, and where each stands in the stream. */
interface StreamFacts {
  events: Map<string, { at: number; type: string; data: Record<string, unknown> }>;
  /** The corrections of each fact of the stream (by the fact's id), in stream order, with their `changes`. */
  corrections: Map<string, Array<{ at: number; changes: unknown }>>;
}

/**
 * Turns the projection runner's change feed into per-read-model streams that resume without loss or repeats.
 * Resuming from a position: live changes are buffered, everything after that position up to what the projections
 * have applied is replayed from the log, then the buffer is flushed, skipping what the replay already sent.
 */
@Injectable()
export class LiveFeedService {
  constructor(
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunnerApi,
    @Inject(ProjectionRegistry) private readonly registry: ProjectionRegistry,
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
  ) {}

  private projectionsOf(feed: LiveFeed): string[] {
    return this.registry
      .list()
      .map((projection) => projection.name)
      .filter((name) => projectionBaseName(name).startsWith(`${feed}.`));
  }

  /** Messages after `after` (exclusive; undefined = only new changes), in log order, each position once. */
  follow(feed: LiveFeed, wanted: LiveFilter, after?: bigint): Observable<LiveMessage> {
    const names = new Set(this.projectionsOf(feed));
    const out = new Subject<LiveMessage>();
    let lastSent = after ?? -1n;
    let replaying = after !== undefined;
    const buffered: ProjectionChange[] = [];

    const emit = (message: LiveMessage) => {
      if (message.position <= lastSent) return;
      lastSent = message.position;
      out.next(message);
    };
    const fromChange = (change: ProjectionChange): LiveMessage => ({
      position: BigInt(change.position),
      data: {
        position: change.position,
        eventType: change.eventType,
        eventId: change.eventId,
        streamName: change.streamName,
        keys: change.keys,
        projections: [change.projection],
      },
    });

    const live = this.runner.changes$
      // An amendment concerns every version of the fact it amends (see concerns), as the replay below matches it.
      .pipe(filter((change) => names.has(change.projection) && concerns(change, wanted)))
      .subscribe({
        next: (change) => (replaying ? buffered.push(change) : emit(fromChange(change))),
        // The change feed was interrupted (the projection thread died): end the stream, so that the client resumes
        // from its last event id and the log replays what it missed.
        complete: () => out.complete(),
      });

    if (after !== undefined) {
      this.replay(names, wanted, after, emit)
        .then(() => {
          replaying = false;
          for (const change of buffered.splice(0)) emit(fromChange(change));
        })
        .catch((error: unknown) => out.error(error));
    }
    return new Observable<LiveMessage>((subscriber) => {
      const inner = out.subscribe(subscriber);
      return () => {
        inner.unsubscribe();
        live.unsubscribe();
      };
    });
  }

  /** Replays from the log what the feed's projections have already applied after `after`. */
  private async replay(
    names: Set<string>,
    wanted: LiveFilter,
    after: bigint,
    emit: (message: LiveMessage) => void,
  ): Promise<void> {
    const statuses = this.runner.statusSnapshot().filter((status) => names.has(status.name));
    if (statuses.length === 0) return;
    const applied = statuses.map((status) => (status.checkpoint === null ? -1n : BigInt(status.checkpoint)));
    const upTo = applied.reduce((min, value) => (value < min ? value : min));
    if (upTo <= after) return;
    const types = new Set(this.registry.list().filter((p) => names.has(p.name)).flatMap((p) => [...p.eventTypes]));
    // Pages read to their end: a read left early stays paused, and client.dispose() then waits on it forever.
    const streams = new Map<string, StreamFacts>();
    let from = after;
    for (;;) {
      let count = 0;
      let last = from;
      const page = this.client.readAll({ direction: FORWARDS, fromPosition: { commit: from, prepare: from }, maxCount: REPLAY_PAGE });
      for await (const resolved of page) {
        count += 1;
        const event = toProjectedEvent(resolved);
        const position = event?.position ?? resolved.commitPosition ?? last;
        if (position > last) last = position;
        if (!event || event.position <= after || event.position > upTo || !types.has(event.type)) continue;
        // The keys the projections report live: a fact's speaker, depicted person, etc. count as its person and
        // faction, and an amendment concerns every version of the fact it amends (read from its stream, where it
        // always is, with the corrections of it recorded before this amendment), as the projections fold them.
        let change: Pick<ProjectionChange, 'keys' | 'before' | 'recorded'> = { keys: keysOfFact(event.data) };
        if (AMENDMENTS.has(event.type)) {
          const target = await this.amendedFact(event.streamName, event.id, event.data.eventId, streams);
          // Live, a projection that does not hold the amended fact reports no change: neither does the replay.
          if (!target || !types.has(target.type)) continue;
          const changes = event.type === 'FactCorrected' ? event.data.changes : undefined;
          change = amendmentKeys(target.data, target.earlier, changes, keysOfFact);
        }
        if (!concerns(change, wanted)) continue;
        const { keys } = change;
        emit({
          position: event.position,
          data: {
            position: event.position.toString(),
            eventType: event.type,
            eventId: event.id,
            streamName: event.streamName,
            keys,
            projections: [...names].filter((name) => this.registry.get(name)?.eventTypes.includes(event.type)),
          },
        });
      }
      if (count < REPLAY_PAGE || last >= upTo || last === from) return;
      from = last; // forward reads include their start: that event comes again and is skipped (<= lastSent)
    }
  }

  /**
   * The fact an amendment points at, from the amendment's stream (each stream read once per replay), with the
   * `changes` of the corrections of it that come before the amendment in that stream (stream order is log order).
   */
  private async amendedFact(
    streamName: string,
    amendmentId: string,
    eventId: unknown,
    cache: Map<string, StreamFacts>,
  ): Promise<{ type: string; data: Record<string, unknown>; earlier: unknown[] } | undefined> {
    if (typeof eventId !== 'string') return undefined;
    let stream = cache.get(streamName);
    if (!stream) {
      stream = { events: new Map(), corrections: new Map() };
      try {
        // Read to its end (see replay): a stream is one entity's facts, a short read.
        let at = 0;
        for await (const resolved of this.client.readStream(streamName, { direction: FORWARDS, fromRevision: START })) {
          const event = resolved.event;
          if (event?.isJson && typeof event.data === 'object' && event.data !== null) {
            const data = event.data as Record<string, unknown>;
            stream.events.set(event.id, { at, type: event.type, data });
            if (event.type === 'FactCorrected' && typeof data.eventId === 'string') {
              const list = stream.corrections.get(data.eventId) ?? [];
              list.push({ at, changes: data.changes });
              stream.corrections.set(data.eventId, list);
            }
          }
          at += 1;
        }
      } catch {
        // A stream that cannot be read (deleted, say): its amendments concern nothing this feed can name.
      }
      cache.set(streamName, stream);
    }
    const target = stream.events.get(eventId);
    if (!target) return undefined;
    // The stream was read after the replay's end was fixed, so it holds this amendment and every event before it.
    const at = stream.events.get(amendmentId)?.at ?? Number.POSITIVE_INFINITY;
    const earlier = (stream.corrections.get(eventId) ?? []).filter((correction) => correction.at < at).map((correction) => correction.changes);
    return { type: target.type, data: target.data, earlier };
  }
}
