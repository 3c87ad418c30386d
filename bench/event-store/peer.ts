import { type AppendToStreamResultWithGlobalPosition, STREAM_DOES_NOT_EXIST } from '@event-driven-io/emmett';
import { getPostgreSQLEventStore, postgreSQLEventStoreConsumer, type PostgresEventStore } from '@event-driven-io/emmett-postgresql';
import { randomUUID } from 'node:crypto';
import pg from 'pg';

/**
 * The peer a TypeScript user would pick instead: @event-driven-io/emmett-postgresql 0.42.0 (emmett 0.42.0, pongo 0.16.11)
 * on this machine's PostgreSQL, in a fresh database created for the run and dropped after it.
 * BENCH_PEER_PG=postgres://user@host:port/db names the server to use (default postgres://postgres@127.0.0.1:5432/test);
 * BENCH_PEER=0 skips the peer.
 */

export interface PeerFigures {
  readonly settings: string;
  readonly singleAppends: Map<number, number>;
  readonly batchAppends: Map<number, number>;
  readonly consumerEvents: number;
  readonly consumerRate: number;
}

export type PeerResult = { readonly skipped: string } | PeerFigures;

const adminUrl = () => process.env.BENCH_PEER_PG ?? 'postgres://postgres@127.0.0.1:5432/test';

function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await run(client);
  } finally {
    await client.end();
  }
}

type BenchEvent = { type: 'BenchEvent'; data: Record<string, unknown> };

async function singleAppends(store: PostgresEventStore, event: () => BenchEvent, writers: number, seconds: number): Promise<number> {
  const deadline = Date.now() + seconds * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const stream = `bench-${randomUUID().replace(/-/g, '')}`;
      let expected: bigint | typeof STREAM_DOES_NOT_EXIST = STREAM_DOES_NOT_EXIST;
      while (Date.now() < deadline) {
        const result: AppendToStreamResultWithGlobalPosition = await store.appendToStream(stream, [event()], { expectedStreamVersion: expected });
        expected = result.nextExpectedStreamVersion;
        count++;
      }
    }),
  );
  return count / seconds;
}

async function batchAppends(store: PostgresEventStore, event: () => BenchEvent, size: number, minEvents: number): Promise<number> {
  const stream = `bench-batch-${randomUUID().replace(/-/g, '')}`;
  let expected: bigint | typeof STREAM_DOES_NOT_EXIST = STREAM_DOES_NOT_EXIST;
  let appended = 0;
  const started = process.hrtime.bigint();
  while (appended < minEvents) {
    const result: AppendToStreamResultWithGlobalPosition = await store.appendToStream(stream, Array.from({ length: size }, event), { expectedStreamVersion: expected });
    expected = result.nextExpectedStreamVersion;
    appended += size;
  }
  return appended / (Number(process.hrtime.bigint() - started) / 1e9);
}

/**
 * Runs the peer at the given writer counts and batch sizes, then fills its log to `logEvents` and measures a consumer
 * reading it from the beginning (a reactor with stopWhen.noMessagesLeft, 1,000-message pulls).
 */
export async function runPeer(options: {
  payload: Record<string, unknown>;
  writers: number[];
  seconds: number;
  /** Untimed appends before the timed phases. */
  warmupSeconds: number;
  batches: { size: number; minEvents: number }[];
  logEvents: number;
}): Promise<PeerResult> {
  if (process.env.BENCH_PEER === '0') return { skipped: 'skipped (BENCH_PEER=0)' };
  const database = `emmett_bench_${process.pid}_${Date.now()}`;
  let settings: string;
  try {
    settings = await admin(async (client) => {
      const version = (await client.query<{ server_version: string }>('SHOW server_version')).rows[0].server_version;
      const sync = (await client.query<{ synchronous_commit: string }>('SHOW synchronous_commit')).rows[0].synchronous_commit;
      const fsync = (await client.query<{ fsync: string }>('SHOW fsync')).rows[0].fsync;
      await client.query(`CREATE DATABASE ${database}`);
      return `PostgreSQL ${version}, synchronous_commit=${sync}, fsync=${fsync}`;
    });
  } catch (error) {
    return { skipped: `skipped: no PostgreSQL reachable at ${adminUrl()} (${(error as Error).message}); set BENCH_PEER_PG to run it` };
  }
  const url = withDatabase(adminUrl(), database);
  const event = (): BenchEvent => ({ type: 'BenchEvent', data: options.payload });
  const store = getPostgreSQLEventStore(url);
  try {
    // The same warm-up as the embedded store's: untimed appends, alone and concurrent, and batches.
    for (let i = 0; i < 20; i++) await store.appendToStream('bench-warmup', Array.from({ length: 100 }, event));
    await singleAppends(store, event, 1, options.warmupSeconds / 2);
    await singleAppends(store, event, 8, options.warmupSeconds / 2);

    const singleAppendsByWriters = new Map<number, number>();
    for (const writers of options.writers) singleAppendsByWriters.set(writers, await singleAppends(store, event, writers, options.seconds));
    const batchAppendsBySize = new Map<number, number>();
    for (const { size, minEvents } of options.batches) batchAppendsBySize.set(size, await batchAppends(store, event, size, minEvents));

    const counter = new pg.Client({ connectionString: url });
    await counter.connect();
    const existing = await counter
      .query<{ n: string }>('SELECT count(*) AS n FROM emt_messages')
      .then((r) => Number(r.rows[0].n))
      .finally(() => counter.end());
    const streams = Array.from({ length: 100 }, () => `fill-${randomUUID().replace(/-/g, '')}`);
    let written = existing;
    let round = 0;
    while (written < options.logEvents) {
      const sizes = [0, 1, 2, 3].map((k) => Math.max(0, Math.min(1000, options.logEvents - written - k * 1000)));
      await Promise.all(sizes.map((n, k) => (n > 0 ? store.appendToStream(streams[(round * 4 + k) % streams.length], Array.from({ length: n }, event)) : undefined)));
      written += sizes.reduce((a, b) => a + b, 0);
      round++;
    }

    let consumed = 0;
    const consumer = postgreSQLEventStoreConsumer({ connectionString: url, stopWhen: { noMessagesLeft: true }, pulling: { batchSize: 1000 } });
    consumer.reactor({
      processorId: `bench-${randomUUID()}`,
      startFrom: 'BEGINNING',
      eachMessage: () => {
        consumed++;
      },
    });
    const started = process.hrtime.bigint();
    await consumer.start();
    const consumerRate = consumed / (Number(process.hrtime.bigint() - started) / 1e9);
    await consumer.close();
    return { settings, singleAppends: singleAppendsByWriters, batchAppends: batchAppendsBySize, consumerEvents: consumed, consumerRate };
  } finally {
    await store.close();
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)).catch((error: unknown) =>
      console.error(`could not drop ${database}: ${(error as Error).message}`),
    );
  }
}
