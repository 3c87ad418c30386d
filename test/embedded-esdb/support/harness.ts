import { EventStoreDBClient, jsonEvent, type ResolvedEvent } from '@eventstore/db-client';
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type EmbeddedEventStore, type EmbeddedEventStoreOptions, startEmbeddedEventStore } from '../../../src/infrastructure/embedded-esdb/index.js';

/** Test support: a server on a fresh temp file, clients through the real @eventstore/db-client, fresh names. */

export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-esdb-'));
}

/** For a test file's top level: a function that makes temp dirs, all removed after the file's tests. */
export function tempDirsRemovedAfterAll(): () => string {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = tempDir();
    dirs.push(dir);
    return dir;
  };
}

/** SHA-256 of a file's bytes: proves a file was left untouched. */
export const sha256OfFile = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

export interface Harness {
  readonly store: EmbeddedEventStore;
  readonly dir: string;
  readonly dbPath: string;
  client(): EventStoreDBClient;
  close(): Promise<void>;
}

export async function startHarness(options: Partial<EmbeddedEventStoreOptions> = {}): Promise<Harness> {
  const dir = tempDir();
  const dbPath = options.dbPath ?? path.join(dir, 'events.db');
  const store = await startEmbeddedEventStore({ port: 0, ...options, dbPath });
  const clients: EventStoreDBClient[] = [];
  return {
    store,
    dir,
    dbPath,
    client() {
      const client = EventStoreDBClient.connectionString(store.connectionString);
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function streamName(category = 'test'): string {
  return `${category}-${randomUUID().replace(/-/g, '')}`;
}

export function event(type = 'SomethingHappened', data: Record<string, unknown> = {}) {
  return jsonEvent({ type, data: { at: Date.now(), ...data } });
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export function userEvents(events: ResolvedEvent[]): ResolvedEvent[] {
  return events.filter((e) => e.event && !e.event.type.startsWith('$'));
}

/** Resolves when `predicate` holds, polling with setImmediate; rejects after `ms` (only to avoid a hung test). */
export async function until(predicate: () => boolean, ms = 20_000): Promise<void> {
  const start = Date.now();
  while (!predicate()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

/**
 * Writes an event store file at `dbPath` (1,000 events through the real client), closes it, then scribbles over a
 * few of its b-tree pages (not the header), as a bad disk or a stray writer would.
 */
export async function writeDamagedStore(dbPath: string): Promise<void> {
  const store = await startEmbeddedEventStore({ dbPath, port: 0 });
  const client = EventStoreDBClient.connectionString(store.connectionString);
  for (let i = 0; i < 20; i++) {
    await client.appendToStream(streamName(), Array.from({ length: 50 }, (_, j) => jsonEvent({ type: 'Filler', data: { i, j, pad: 'z'.repeat(300) } })));
  }
  await client.dispose();
  await store.close();
  const bytes = fs.readFileSync(dbPath);
  for (let page = 2; page < 8; page++) bytes.fill(0xa5, page * 4096, page * 4096 + 4096);
  fs.writeFileSync(dbPath, bytes);
}
