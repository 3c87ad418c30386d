import { type EventStoreDBClient, StreamNotFoundError, type ResolvedEvent } from '@eventstore/db-client';
import { Inject } from '@nestjs/common';
import { IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE_CLIENT } from '../../../infrastructure/event-store/event-store.module.js';
import { notFound } from '../../../shared/domain/domain-error.js';

/** One raw event as an auditor sees it: nothing projected, nothing hidden. */
export interface AuditedEvent {
  eventId: string;
  type: string;
  streamName: string;
  revision: string;
  position: string | null;
  created: string;
  data: unknown;
  metadata: unknown;
  /**
   * Stream history only: the ids of the FactCorrected / FactRetracted events (later in this stream) that amend this
   * event, in order. Each of those carries its reason, notice and, in metadata, who made it and when.
   */
  amendedBy?: string[];
}

export class StreamHistoryQuery extends Query<AuditedEvent[]> {
  constructor(readonly streamName: string) {
    super();
  }
}

export function toAuditedEvent(resolved: ResolvedEvent): AuditedEvent | undefined {
  const event = resolved.event;
  if (!event) return undefined;
  return {
    eventId: event.id,
    type: event.type,
    streamName: event.streamId,
    revision: event.revision.toString(),
    position: event.position ? event.position.commit.toString() : null,
    created: event.created instanceof Date ? event.created.toISOString() : new Date(Number(event.created)).toISOString(),
    data: event.isJson ? event.data : Buffer.from(event.data as Uint8Array).toString('base64'),
    metadata: event.metadata ?? null,
  };
}

/** Points each fact at the corrections and retractions of it (they live in the same stream). */
function linkAmendments(events: AuditedEvent[]): void {
  const byId = new Map(events.map((event) => [event.eventId, event]));
  for (const event of events) {
    if (event.type !== 'FactCorrected' && event.type !== 'FactRetracted') continue;
    const target = byId.get(String((event.data as { eventId?: unknown } | null)?.eventId ?? ''));
    if (target) target.amendedBy = [...(target.amendedBy ?? []), event.eventId];
  }
}

@QueryHandler(StreamHistoryQuery)
export class StreamHistoryHandler implements IQueryHandler<StreamHistoryQuery, AuditedEvent[]> {
  constructor(@Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient) {}

  async execute({ streamName }: StreamHistoryQuery): Promise<AuditedEvent[]> {
    const events: AuditedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamName)) {
        const audited = toAuditedEvent(resolved);
        if (audited) events.push(audited);
      }
      linkAmendments(events);
    } catch (error) {
      if (error instanceof StreamNotFoundError) throw notFound('AUDIT.UNKNOWN_STREAM', `stream ${streamName} does not exist`, 'streamName');
      throw error;
    }
    return events;
  }
}
