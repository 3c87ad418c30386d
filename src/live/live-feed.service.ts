import { type EventStoreDBClient, FORWARDS } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import { filter, Observable, Subject } from 'rxjs';
import { EVENT_STORE_CLIENT } from '../infrastructure/event-store/event-store.module.js';
import { type ChangeKeys, projectionBaseName, type ProjectionChange } from '../infrastructure/projections/projection.js';
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

function keysFromData(data: Record<string, unknown>): ChangeKeys {
  const keys: ChangeKeys = {};
  for (const field of KEY_FIELDS) if (typeof data[field] === 'string') keys[field] = data[field] as string;
  return keys;
}

const matches = (keys: ChangeKeys, wanted: LiveFilter) =>
  KEY_FIELDS.every((field) => wanted[field] === undefined || keys[field] === wanted[field]);

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
      .pipe(filter((change) => names.has(change.projection) && matches(change.keys, wanted)))
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
        const keys = keysFromData(event.data);
        if (!matches(keys, wanted)) continue;
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
}
