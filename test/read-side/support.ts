import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { sql } from 'kysely';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedEventStore, startEmbeddedEventStore } from '../../src/infrastructure/embedded-esdb/index.js';
import type { ChangeKeys, ProjectedEvent, Projection } from '../../src/infrastructure/projections/projection.js';
import type { ReadDb } from '../../src/infrastructure/read-store/read-store.factory.js';
import type { ReadTx } from '../../src/infrastructure/read-store/read-store.js';
import { freshReadStore, type FreshReadStore } from '../../src/infrastructure/read-store/testing/fresh-read-store.js';

/** The embedded event store on a temp file (restartable on the same port) and a real client. */
export class EventStoreFixture {
  store!: EmbeddedEventStore;
  client!: EventStoreDBClient;
  readonly dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-read-side-'));
  readonly dbPath = path.join(this.dir, 'events.db');

  async start(port = 0): Promise<this> {
    this.store = await startEmbeddedEventStore({ dbPath: this.dbPath, port, durability: 'normal' });
    this.client ??= EventStoreDBClient.connectionString(this.store.connectionString);
    return this;
  }

  /** Appends events to a stream; resolves with the commit position of the write. */
  async append(stream: string, ...events: { type: string; data: Record<string, unknown>; id?: string }[]): Promise<bigint> {
    const result = await this.client.appendToStream(
      stream,
      events.map(({ type, data, id }) =>
        jsonEvent({ id, type, data, metadata: { actor: 'test', correlationId: randomUUID(), causationId: randomUUID(), recordedAt: new Date().toISOString(), commandType: 'Test' } }),
      ),
    );
    return result.position!.commit;
  }

  async dispose(): Promise<void> {
    await this.client?.dispose();
    await this.store?.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

export async function readStore(): Promise<FreshReadStore> {
  return freshReadStore();
}

/**
 * A deliberately NON-idempotent projection: it counts how many times each event was applied, so any double
 * application shows up as a count of 2. It can be told to throw on some events.
 */
export class CountingProjection implements Projection {
  readonly eventTypes = ['Counted'];
  readonly tables: string[];
  /** Event ids to fail on, with how many more times to fail. */
  readonly failOn = new Map<string, number>();

  constructor(
    readonly name: string,
    private readonly table: string,
  ) {
    this.tables = [table];
  }

  async migrate(db: ReadDb): Promise<void> {
    await db.schema
      .createTable(this.table)
      .ifNotExists()
      .addColumn('event_id', 'varchar(64)', (c) => c.primaryKey())
      .addColumn('n', 'integer', (c) => c.notNull())
      .addColumn('times', 'integer', (c) => c.notNull())
      .execute();
  }

  async handle(event: ProjectedEvent, tx: ReadTx): Promise<ChangeKeys | void> {
    await tx
      .insertInto(this.table)
      .values({ event_id: event.id, n: Number(event.data.n ?? 0), times: 1 })
      .onConflict((oc) => oc.column('event_id').doUpdateSet({ times: sql<number>`${sql.ref(`${this.table}.times`)} + 1` }))
      .execute();
    const failures = this.failOn.get(event.id);
    if (failures) {
      this.failOn.set(event.id, failures - 1);
      throw new Error(`told to fail on ${event.id}`);
    }
    return { placeId: String(event.data.placeId ?? 'none') };
  }

  async rows(db: ReadDb): Promise<{ event_id: string; n: number; times: number }[]> {
    const rows = await db.selectFrom(this.table).selectAll().execute();
    return rows.map((row) => ({ event_id: row.event_id, n: Number(row.n), times: Number(row.times) })).sort((a, b) => a.n - b.n);
  }
}

export const counted = (n: number, placeId = 'x') => ({ type: 'Counted', data: { n, placeId } });
export const uniqueStream = (category = 'test') => `${category}-${randomUUID().replace(/-/g, '')}`;
export const uniqueTable = () => `count_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
