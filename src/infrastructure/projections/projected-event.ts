import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import type { ProjectedEvent, ProjectedEventMetadata } from './projection.js';

function parseJsonObject(value: unknown): Record<string, unknown> | null {
  let parsed = value;
  if (value instanceof Uint8Array) {
    if (value.byteLength === 0) return null;
    try {
      parsed = JSON.parse(Buffer.from(value).toString('utf8'));
    } catch {
      return null;
    }
  } else if (typeof value === 'string') {
    try {
      parsed = JSON.parse(value);
    } catch {
      return null;
    }
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : null;
}

function normaliseTimestamp(value: unknown, fallback: Date | undefined): string {
  if (typeof value === 'string') {
    const time = Date.parse(value);
    if (!Number.isNaN(time)) return new Date(time).toISOString();
  }
  return (fallback && !Number.isNaN(fallback.getTime()) ? fallback : new Date(0)).toISOString();
}

/**
 * Maps what the client delivers from `$all` to what handlers see. Returns null for what no projection reads:
 * system events and streams (`$...`), unresolved links, and events without a log position.
 */
export function toProjectedEvent(resolved: AllStreamResolvedEvent): ProjectedEvent | null {
  const event = resolved.event;
  if (!event || resolved.link) return null;
  if (event.type.startsWith('$') || event.streamId.startsWith('$')) return null;
  const commit = event.position?.commit ?? resolved.commitPosition;
  if (commit === undefined) return null;
  const metadata = (parseJsonObject(event.metadata) ?? {}) as ProjectedEventMetadata;
  return {
    id: event.id,
    type: event.type,
    streamName: event.streamId,
    revision: BigInt(event.revision),
    position: BigInt(commit),
    preparePosition: BigInt(event.position?.prepare ?? commit),
    data: parseJsonObject(event.data) ?? {},
    metadata,
    recordedAt: normaliseTimestamp(metadata.recordedAt, event.created),
  };
}
