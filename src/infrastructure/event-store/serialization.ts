import { type EventData, jsonEvent, type ResolvedEvent } from '@eventstore/db-client';
import type { DomainEvent } from '../../shared/domain/decider.js';
import type { EventMetadata } from '../../shared/domain/event-metadata.js';

/** A domain event as read back from a stream, with where it sits in the log. */
export interface StoredEvent extends DomainEvent {
  id: string;
  revision: bigint;
  /** Commit position in $all, when the server reports it. */
  position?: bigint;
  metadata?: Partial<EventMetadata>;
}

export function toEventData(event: DomainEvent, id: string, metadata: EventMetadata): EventData {
  return jsonEvent({ id, type: event.type, data: event.data as Record<string, unknown>, metadata: { ...metadata } });
}

/** Undefined for links without their event, system events and non-JSON payloads: deciders never see them. */
export function fromResolvedEvent(resolved: ResolvedEvent): StoredEvent | undefined {
  const event = resolved.event;
  if (!event || event.type.startsWith('$') || !event.isJson) return undefined;
  return {
    id: event.id,
    type: event.type,
    data: event.data as object,
    revision: event.revision,
    position: event.position?.commit,
    metadata: (event.metadata ?? undefined) as Partial<EventMetadata> | undefined,
  };
}
