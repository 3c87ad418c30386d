import { type AppendResult, EventStoreDBClient, jsonEvent, type ResolvedEvent } from '@eventstore/db-client';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { EventStoreFileError, startEmbeddedEventStore } from '../../src/infrastructure/embedded-esdb/index.js';
import { EventStorage } from '../../src/infrastructure/embedded-esdb/storage.js';
import { collect, sha256OfFile, streamName, tempDirsRemovedAfterAll, writeDamagedStore } from './support/harness.js';
import { removeStandalone, runCli, startChild, standaloneMain } from './support/standalone.js';

const freshDir = tempDirsRemovedAfterAll();
beforeAll(() => {
  standaloneMain();
});
afterAll(() => {
  removeStandalone();
});

describe('standalone process', () => {
  test('--help documents every option and exits 0', async () => {
    const { code, stdout } = await runCli(['--help']);
    expect(code).toBe(0);
    for (const option of ['--db', '--host', '--port', '--durability', '--max-append-size', '--write-timeout', '--help']) {
      expect(stdout).toContain(option);
    }
  });

  test('an unknown option or bad value exits 2', async () => {
    expect((await runCli(['--bogus'])).code).toBe(2);
    expect((await runCli(['--durability', 'sometimes'])).code).toBe(2);
  });

  test('kill -9 while several clients append: every acknowledged event is there once, in order, no gaps', async () => {
    const dbPath = path.join(freshDir(), 'events.db');
    const server = await startChild(dbPath);
    const writers = Array.from({ length: 4 }, () => EventStoreDBClient.connectionString(server.connectionString));
    const streams = writers.map(() => streamName('durable'));
    const acknowledged = streams.map(() => [] as string[]);
    let total = 0;
    let killed = false;
    const loops = writers.map(async (client, i) => {
      let expected: bigint | 'no_stream' = 'no_stream';
      try {
        for (let n = 0; !killed; n++) {
          const batch = Array.from({ length: 1 + (n % 3) }, (_, j) => jsonEvent({ type: 'Durable', data: { i, n, j } }));
          const result: AppendResult = await client.appendToStream(streams[i], batch, { expectedRevision: expected });
          acknowledged[i].push(...batch.map((e) => e.id));
          expected = result.nextExpectedRevision;
          total += batch.length;
        }
      } catch {
        // The server died under us: what was not acknowledged may or may not be there.
      }
    });
    while (total < 600) await new Promise((r) => setTimeout(r, 5));
    server.process.kill('SIGKILL');
    killed = true;
    expect((await server.exited).signal).toBe('SIGKILL');
    await Promise.all(loops);
    await Promise.all(writers.map((c) => c.dispose().catch(() => undefined)));

    const restarted = await startChild(dbPath);
    const reader = EventStoreDBClient.connectionString(restarted.connectionString);
    try {
      for (let i = 0; i < streams.length; i++) {
        const events = await collect(reader.readStream(streams[i]));
        const ids = events.map((e) => e.event!.id);
        // Acknowledged events form a prefix, each exactly once; at most the in-flight append follows.
        expect(ids.slice(0, acknowledged[i].length)).toEqual(acknowledged[i]);
        expect(ids.length - acknowledged[i].length).toBeLessThanOrEqual(3);
        expect(new Set(ids).size).toBe(ids.length);
        expect(events.map((e) => Number(e.event!.revision))).toEqual(ids.map((_, k) => k));
      }
      const all: ResolvedEvent[] = await collect(reader.readAll());
      const positions = all.map((e) => Number(e.event!.position!.commit));
      expect(positions).toEqual(positions.map((_, k) => k + 1));
      // The log keeps working after the crash.
      const next = await reader.appendToStream(streams[0], [jsonEvent({ type: 'AfterCrash', data: {} })]);
      expect(Number(next.position!.commit)).toBe(positions.length + 1);
    } finally {
      await reader.dispose();
      restarted.process.kill('SIGTERM');
      expect((await restarted.exited).code).toBe(0);
    }
  });

  test('SIGTERM closes the database cleanly (WAL checkpointed) and exits 0', async () => {
    const dbPath = path.join(freshDir(), 'events.db');
    const server = await startChild(dbPath);
    const client = EventStoreDBClient.connectionString(server.connectionString);
    const stream = streamName();
    await client.appendToStream(stream, [jsonEvent({ type: 'BeforeStop', data: {} })]);
    await client.dispose();
    server.process.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    // A clean close checkpoints the WAL into the main file.
    expect(fs.existsSync(`${dbPath}-wal`) ? fs.statSync(`${dbPath}-wal`).size : 0).toBe(0);
  });

  test('a foreign SQLite file or a non-database file is refused with a clear error, exit 1, and left untouched', async () => {
    const dir = freshDir();
    const foreign = path.join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec('CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES (\'ann\');');
    other.close();
    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, 'this is not a database, just text that happens to be here\n'.repeat(100));
    for (const file of [foreign, garbage]) {
      const before = sha256OfFile(file);
      const { code, stderr } = await runCli(['--port', '0', '--db', file]);
      expect(code).toBe(1);
      expect(stderr).toMatch(/refusing|not a readable event store database|not an embedded event store/);
      expect(sha256OfFile(file)).toBe(before);
      await expect(startEmbeddedEventStore({ dbPath: file, port: 0 })).rejects.toBeInstanceOf(EventStoreFileError);
      expect(sha256OfFile(file)).toBe(before);
    }
  });
});

describe('corrupt database', () => {
  test('an event store file damaged on disk is refused with a clear error and left untouched', async () => {
    const dbPath = path.join(freshDir(), 'events.db');
    await writeDamagedStore(dbPath);
    expect(fs.statSync(dbPath).size).toBeGreaterThan(8 * 4096);
    const before = sha256OfFile(dbPath);
    const { code, stderr } = await runCli(['--port', '0', '--db', dbPath]);
    expect(code).toBe(1);
    expect(stderr).toMatch(/corrupt|malformed|not a readable event store database/);
    await expect(startEmbeddedEventStore({ dbPath, port: 0 })).rejects.toBeInstanceOf(EventStoreFileError);
    expect(sha256OfFile(dbPath)).toBe(before);
  });
});

describe('durability settings', () => {
  test.each([
    ['full', 2],
    ['normal', 1],
  ] as const)('durability %s sets and verifies PRAGMA synchronous = %d, also on reopen', (durability, expected) => {
    const dbPath = path.join(freshDir(), 'events.db');
    for (let open = 0; open < 2; open++) {
      const storage = new EventStorage({ dbPath, durability });
      expect(storage.db.pragma('synchronous', { simple: true })).toBe(expected);
      expect(storage.db.pragma('journal_mode', { simple: true })).toBe('wal');
      storage.close();
    }
  });
});
