import { randomUUID } from 'node:crypto';
import { freshReadStore } from '../../read-store/testing/fresh-read-store.js';
import type { ReadStore } from '../../read-store/read-store.js';
import { type AppliedBatch, applyEvents, migrateProjection } from '../apply-events.js';
import type { ProjectedEvent, ProjectedEventMetadata, Projection } from '../projection.js';

export interface EventOptions {
  id?: string;
  streamName?: string;
  recordedAt?: string;
  metadata?: ProjectedEventMetadata;
}

/**
 * Runs one projection against the REAL read store (SQLite in a temp dir, or a fresh PostgreSQL schema when
 * DATABASE_URL is set) without an event store: events get increasing log positions and are applied exactly as the
 * runner applies them (applyEvents: handler + checkpoint in one transaction).
 */
export class ProjectionHarness<P extends Projection = Projection> {
  private position = 0n;
  private revisions = new Map<string, bigint>();

  private constructor(
    readonly projection: P,
    readonly store: ReadStore,
    private readonly disposeStore: () => Promise<void>,
  ) {}

  static async create<P extends Projection>(projection: P): Promise<ProjectionHarness<P>> {
    const fresh = await freshReadStore();
    await migrateProjection(fresh.store, projection);
    return new ProjectionHarness(projection, fresh.store, fresh.dispose);
  }

  /** A recorded event with the next log position (positions step by 100 so tests can name ones in between). */
  event(type: string, data: object, options: EventOptions = {}): ProjectedEvent {
    this.position += 100n;
    const streamName = options.streamName ?? 'test-stream';
    const revision = this.revisions.get(streamName) ?? 0n;
    this.revisions.set(streamName, revision + 1n);
    const recordedAt = options.recordedAt ?? new Date(Date.UTC(2024, 11, 1) + Number(this.position) * 1000).toISOString();
    return {
      id: options.id ?? randomUUID(),
      type,
      streamName,
      revision,
      position: this.position,
      preparePosition: this.position,
      data: data as Record<string, unknown>,
      metadata: { actor: 'test-editor', correlationId: randomUUID(), causationId: randomUUID(), recordedAt, commandType: 'Test', ...options.metadata },
      recordedAt,
    };
  }

  /** Applies events one transaction each, as the runner would deliver them. */
  async given(...events: ProjectedEvent[]): Promise<AppliedBatch[]> {
    const results: AppliedBatch[] = [];
    for (const event of events) results.push(await applyEvents(this.store, this.projection, [event]));
    return results;
  }

  /** Calls the handler directly (no checkpoint guard): proves the handler itself is idempotent. */
  async handleDirectly(event: ProjectedEvent): Promise<void> {
    await this.store.transaction(async (tx) => {
      await this.projection.handle(event, tx);
      await this.projection.flush?.(tx);
    });
  }

  /** Every row of every table the projection owns, in a stable order: compare before/after a redelivery. */
  async snapshot(): Promise<Record<string, string[]>> {
    const result: Record<string, string[]> = {};
    for (const table of this.projection.tables ?? []) {
      const rows = await this.store.db.selectFrom(table).selectAll().execute();
      result[table] = rows.map((row) => JSON.stringify(row, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))).sort();
    }
    return result;
  }

  async dispose(): Promise<void> {
    await this.disposeStore();
  }
}
