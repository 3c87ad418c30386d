import { type AppendResult, END, EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EventStoreFileError, startEmbeddedEventStore, workerEntry, workerOf } from '../../src/infrastructure/embedded-esdb/index.js';
import { collect, sha256OfFile, streamName, tempDirsRemovedAfterAll, until, writeDamagedStore } from './support/harness.js';

/**
 * The server in its worker thread (the default, and what the app runs). From ts-jest the thread runs the compiled
 * copy in dist/ (`npm test` builds it first: `pretest`).
 */

const freshDir = tempDirsRemovedAfterAll();

describe('worker thread mode', () => {
  test('is the default: the server runs in a worker thread and serves the real client', async () => {
    const store = await startEmbeddedEventStore({ dbPath: path.join(freshDir(), 'events.db'), port: 0 });
    expect(store.thread).toBe('worker');
    const worker = workerOf(store)!;
    expect(worker).toBeDefined();
    const client = EventStoreDBClient.connectionString(store.connectionString);
    const stream = streamName('worker');
    await client.appendToStream(stream, [jsonEvent({ type: 'A', data: { n: 1 } }), jsonEvent({ type: 'B', data: { n: 2 } })]);
    const events = await collect(client.readStream(stream));
    expect(events.map((e) => e.event!.type)).toEqual(['A', 'B']);
    await client.dispose();
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    await store.close();
    expect(await exited).toBe(0);
  });

  test('a foreign, non-database or damaged file rejects startup through the worker with EventStoreFileError, untouched', async () => {
    const dir = freshDir();
    const foreign = path.join(dir, 'foreign.db');
    const other = new Database(foreign);
    other.exec(`CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO users (name) VALUES ('ann');`);
    other.close();
    const garbage = path.join(dir, 'garbage.db');
    fs.writeFileSync(garbage, 'not a database\n'.repeat(400));

    const damaged = path.join(dir, 'damaged.db');
    await writeDamagedStore(damaged);

    const expected: [string, RegExp][] = [
      [foreign, /another application.*refusing/],
      [garbage, /not a readable event store database/],
      [damaged, /corrupt|malformed|not a readable event store database/],
    ];
    for (const [file, message] of expected) {
      const before = sha256OfFile(file);
      const failure = await startEmbeddedEventStore({ dbPath: file, port: 0 }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(EventStoreFileError);
      expect((failure as Error).message).toContain(file);
      expect((failure as Error).message).toMatch(message);
      expect(sha256OfFile(file)).toBe(before);
    }
  });

  test('close() answers the appends already received, tells subscribers, closes the file and ends the thread', async () => {
    const dbPath = path.join(freshDir(), 'events.db');
    const store = await startEmbeddedEventStore({ dbPath, port: 0 });
    const worker = workerOf(store)!;
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    const client = EventStoreDBClient.connectionString(store.connectionString);
    const subscription = client.subscribeToAll({ fromPosition: END });
    let subscriberTold = false;
    subscription.on('error', () => (subscriberTold = true));
    subscription.on('end', () => (subscriberTold = true));
    subscription.on('close', () => (subscriberTold = true));
    await new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));

    const streams = Array.from({ length: 8 }, () => streamName('closing'));
    const acknowledged = streams.map(() => [] as string[]);
    let closing = false;
    let failures = 0;
    const loops = streams.map(async (stream, i) => {
      let expected: bigint | 'no_stream' = 'no_stream';
      for (let n = 0; n < 10_000 && !closing; n++) {
        const batch = Array.from({ length: 1 + (n % 5) }, (_, j) => jsonEvent({ type: 'Closing', data: { i, n, j } }));
        try {
          const result: AppendResult = await client.appendToStream(stream, batch, { expectedRevision: expected });
          acknowledged[i].push(...batch.map((e) => e.id));
          expected = result.nextExpectedRevision;
        } catch {
          failures++;
          return;
        }
      }
    });
    await until(() => acknowledged.reduce((sum, ids) => sum + ids.length, 0) >= 300);
    await store.close();
    closing = true;
    expect(await exited).toBe(0);
    await Promise.all(loops);
    await until(() => subscriberTold, 5_000);
    await client.dispose().catch(() => undefined);

    // The WAL was checkpointed by the clean close, and every acknowledged append is in the file, in order.
    expect(fs.existsSync(`${dbPath}-wal`) ? fs.statSync(`${dbPath}-wal`).size : 0).toBe(0);
    const reopened = await startEmbeddedEventStore({ dbPath, port: 0, thread: 'inline' });
    const reader = EventStoreDBClient.connectionString(reopened.connectionString);
    try {
      for (let i = 0; i < streams.length; i++) {
        const ids = await collect(reader.readStream(streams[i])).then(
          (events) => events.map((e) => e.event!.id),
          () => [] as string[], // nothing was written to that stream
        );
        expect(ids.slice(0, acknowledged[i].length)).toEqual(acknowledged[i]);
      }
    } finally {
      await reader.dispose();
      await reopened.close();
    }
    expect(failures).toBeLessThanOrEqual(streams.length);
  });

  test('a worker that dies unexpectedly is reported once, and close() afterwards resolves', async () => {
    const reported: Error[] = [];
    const store = await startEmbeddedEventStore({
      dbPath: path.join(freshDir(), 'events.db'),
      port: 0,
      onFailure: (error) => reported.push(error),
    });
    await workerOf(store)!.terminate();
    await until(() => reported.length > 0, 5_000);
    expect(reported).toHaveLength(1);
    expect(reported[0].message).toMatch(/worker thread ended unexpectedly/);
    await expect(store.close()).resolves.toBeUndefined();
  });
});

describe('worker entry from TypeScript sources', () => {
  test('resolves the compiled copy in dist/, and says how to build it when it is missing', () => {
    const fromSources = pathToFileURL(path.join(process.cwd(), 'src', 'infrastructure', 'embedded-esdb', 'index.ts')).href;
    expect(workerEntry(fromSources).pathname).toMatch(/\/dist\/src\/infrastructure\/embedded-esdb\/worker\.js$/);
    expect(workerEntry('file:///opt/app/dist/src/infrastructure/embedded-esdb/index.js').href).toBe(
      'file:///opt/app/dist/src/infrastructure/embedded-esdb/worker.js',
    );

    const root = freshDir();
    const sources = path.join(root, 'src', 'infrastructure', 'embedded-esdb');
    fs.mkdirSync(sources, { recursive: true });
    fs.writeFileSync(path.join(sources, 'index.ts'), '');
    const missing = pathToFileURL(path.join(sources, 'index.ts')).href;
    expect(() => workerEntry(missing)).toThrow(/worker\.js is missing: run `npm run build:esdb`/);

    const compiled = path.join(root, 'dist', 'src', 'infrastructure', 'embedded-esdb');
    fs.mkdirSync(compiled, { recursive: true });
    fs.writeFileSync(path.join(compiled, 'worker.js'), '');
    fs.writeFileSync(path.join(compiled, 'index.js'), '');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(compiled, 'index.js'), old, old);
    expect(() => workerEntry(missing)).toThrow(/older than src\/ \(index\.ts\)/);
    fs.utimesSync(path.join(compiled, 'index.js'), new Date(), new Date(Date.now() + 60_000));
    expect(workerEntry(missing).pathname).toBe(path.join(compiled, 'worker.js'));
  });
});

describe('large files: the full integrity check runs in the background', () => {
  async function fileWithEvents(): Promise<string> {
    const dbPath = path.join(freshDir(), 'events.db');
    const store = await startEmbeddedEventStore({ dbPath, port: 0 });
    const client = EventStoreDBClient.connectionString(store.connectionString);
    for (let i = 0; i < 20; i++) {
      await client.appendToStream(`filler-${i}`, Array.from({ length: 50 }, (_, j) => jsonEvent({ type: 'Filler', data: { i, j, pad: 'z'.repeat(300) } })));
    }
    await client.dispose();
    await store.close();
    return dbPath;
  }

  test.each(['worker', 'inline'] as const)('%s: a healthy file serves at once, writes wait for the check, then succeed', async (thread) => {
    const dbPath = await fileWithEvents();
    const store = await startEmbeddedEventStore({ dbPath, port: 0, thread, startupCheckMaxBytes: 0 });
    const client = EventStoreDBClient.connectionString(store.connectionString);
    try {
      const append = client.appendToStream('after-restart', [jsonEvent({ type: 'After', data: {} })]);
      expect((await collect(client.readStream('filler-3'))).length).toBe(50);
      await expect(store.integrity).resolves.toBeUndefined();
      expect((await append).success).toBe(true);
    } finally {
      await client.dispose();
      await store.close();
    }
  });

  test.each(['worker', 'inline'] as const)('%s: a damaged file is reported, every write refused, and the file left untouched', async (thread) => {
    const dbPath = await fileWithEvents();
    const bytes = fs.readFileSync(dbPath);
    const pages = bytes.length / 4096;
    // Damage pages in the middle of the file, away from the first and last rows that startup reads.
    const from = Math.floor(pages / 2);
    for (let page = from; page < from + 3; page++) bytes.fill(0xa5, page * 4096, page * 4096 + 4096);
    fs.writeFileSync(dbPath, bytes);
    const before = sha256OfFile(dbPath);
    const failures: Error[] = [];
    const store = await startEmbeddedEventStore({ dbPath, port: 0, thread, startupCheckMaxBytes: 0, onFailure: (error) => failures.push(error) });
    const client = EventStoreDBClient.connectionString(store.connectionString);
    try {
      const append = client.appendToStream('after-damage', [jsonEvent({ type: 'After', data: {} })]);
      const failure = await store.integrity.then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(EventStoreFileError);
      expect((failure as Error).message).toMatch(/corrupt|malformed|not a readable event store database/);
      await expect(append).rejects.toBeInstanceOf(Error); // BatchAppend's error carries no message to the client
      await until(() => failures.length === 1, 5_000);
    } finally {
      await client.dispose();
      await store.close();
    }
    expect(sha256OfFile(dbPath)).toBe(before);
  });
});
