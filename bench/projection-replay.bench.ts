/**
 * Projection replay: how fast territorial control is rebuilt from a log of 100,000 events, through the real
 * @eventstore/db-client against the embedded store, into the real read store (SQLite in a temp dir; PostgreSQL
 * too when DATABASE_URL is set). Prints figures; never asserts.
 *
 *   npm run bench -- projection-replay
 *   BENCH_REPLAY_EVENTS=100000   size of the log (default 100,000)
 *   BENCH_REPLAY_PLACES=1000     places the seizures are spread over (default 1,000)
 */
import { EventStoreDBClient, jsonEvent } from '@eventstore/db-client';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TerritoryControlProjection } from '../src/contexts/territory/projections/territory-control.projection.js';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { startEmbeddedEventStore } from '../src/infrastructure/embedded-esdb/index.js';
import { applyEvents, migrateProjection } from '../src/infrastructure/projections/apply-events.js';
import type { ProjectedEvent } from '../src/infrastructure/projections/projection.js';
import { ProjectionRunner } from '../src/infrastructure/projections/projection-runner.js';
import { freshReadStore } from '../src/infrastructure/read-store/testing/fresh-read-store.js';

const TOTAL = Number(process.env.BENCH_REPLAY_EVENTS ?? 100_000);
const PLACES = Number(process.env.BENCH_REPLAY_PLACES ?? 1_000);
const FACTIONS = ['syrian-government', 'hts', 'sna', 'sdf', 'isis', 'fsa', 'ypg', 'jaish-al-islam'];

/** A deterministic pseudo-random sequence (the same log every run). */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

interface LogEvent {
  stream: string;
  type: string;
  data: Record<string, unknown>;
}

/** Factions, places, then seizures spread over the places; 1 in 10 reports arrives late (an earlier date). */
function buildLog(): LogEvent[] {
  const random = prng(42);
  const log: LogEvent[] = [];
  for (const factionId of FACTIONS) log.push({ stream: `faction-${factionId}`, type: 'FactionRegistered', data: { factionId, name: factionId, aliases: [] } });
  for (let p = 0; p < PLACES; p++) {
    const placeId = `place-${p}`;
    log.push({ stream: `city-${placeId}`, type: 'PlaceRegistered', data: { placeId, name: `Place ${p}`, country: 'SY', kind: 'city', coordinates: { lat: 33 + random() * 4, lon: 36 + random() * 4 } } });
  }
  const days = new Array<number>(PLACES).fill(0);
  while (log.length < TOTAL) {
    const p = Math.floor(random() * PLACES);
    const late = random() < 0.1;
    days[p] += late ? 0 : 1 + Math.floor(random() * 20);
    const day = late ? Math.max(0, days[p] - Math.floor(random() * 200)) : days[p];
    const date = new Date(Date.UTC(2011, 2, 15) + day * 86_400_000).toISOString().slice(0, 10);
    const factionId = FACTIONS[Math.floor(random() * FACTIONS.length)];
    const precision = random() < 0.05 ? 'month' : 'day';
    log.push({
      stream: `city-place-${p}`,
      type: 'CitySeized',
      data: { placeId: `place-${p}`, factionId, occurred: { date: precision === 'month' ? date.slice(0, 7) : date, precision }, sources: [{ outlet: 'Bench Wire' }] },
    });
  }
  return log;
}

const rate = (events: number, ms: number) => `${Math.round(events / (ms / 1000)).toLocaleString('en-US')} events/s`;

async function writeLog(client: EventStoreDBClient, log: LogEvent[]): Promise<number> {
  const started = performance.now();
  const recordedAt = new Date().toISOString();
  const metadata = { actor: 'bench', correlationId: randomUUID(), causationId: randomUUID(), recordedAt, commandType: 'Bench' };
  // Consecutive events of one stream go in one append; appends run a few at a time.
  const batches: LogEvent[][] = [];
  for (const event of log) {
    const last = batches[batches.length - 1];
    if (last && last[0].stream === event.stream && last.length < 500) last.push(event);
    else batches.push([event]);
  }
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++];
      await client.appendToStream(batch[0].stream, batch.map(({ type, data }) => jsonEvent({ type, data, metadata })));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return performance.now() - started;
}

async function replayThroughRunner(client: EventStoreDBClient, databaseUrl: string | null): Promise<void> {
  const { store, dispose } = await freshReadStore(databaseUrl);
  try {
    const runner = new ProjectionRunner(client, store, () => [new TerritoryControlProjection()], { batchSize: 500 });
    const started = performance.now();
    await runner.start();
    await runner.waitForHead({ timeoutMs: 30 * 60_000 });
    const ms = performance.now() - started;
    const [status] = await runner.status();
    await runner.stop();
    const intervals = await store.db.selectFrom('territory_control_intervals').select((eb) => eb.fn.countAll().as('n')).executeTakeFirst();
    console.log(
      `  ${store.dialect.padEnd(8)} rebuild via $all subscription: ${status.eventsApplied.toLocaleString('en-US')} events in ` +
        `${(ms / 1000).toFixed(1)} s = ${rate(status.eventsApplied, ms)} (${Number(intervals?.n ?? 0).toLocaleString('en-US')} intervals, lag ${status.lag})`,
    );
  } finally {
    await dispose();
  }
}

/** The same events applied straight to the projection (no event store): the read-store side of the cost. */
async function replayDirect(log: LogEvent[], databaseUrl: string | null): Promise<void> {
  const { store, dispose } = await freshReadStore(databaseUrl);
  try {
    const projection = new TerritoryControlProjection();
    await migrateProjection(store, projection);
    const recordedAt = new Date().toISOString();
    const events: ProjectedEvent[] = log.map((event, index) => ({
      id: randomUUID(),
      type: event.type,
      streamName: event.stream,
      revision: 0n,
      position: BigInt(index + 1),
      preparePosition: BigInt(index + 1),
      data: event.data,
      metadata: {},
      recordedAt,
    }));
    const started = performance.now();
    for (let i = 0; i < events.length; i += 500) await applyEvents(store, projection, events.slice(i, i + 500));
    const ms = performance.now() - started;
    console.log(`  ${store.dialect.padEnd(8)} apply only (batches of 500, no event store): ${rate(events.length, ms)}`);
  } finally {
    await dispose();
  }
}

interface Server {
  connectionString: string;
  where: string;
  close(): Promise<void>;
}

/**
 * The embedded store in a child process (as `npm run eventstore` runs it, like a real EventStoreDB beside the
 * app), so the replay does not share its event loop with the server; in-process when the compiled server is absent.
 */
async function startServer(dbPath: string): Promise<Server> {
  const main = fileURLToPath(new URL('../src/infrastructure/embedded-esdb/main.js', import.meta.url));
  if (!fs.existsSync(main)) {
    const es = await startEmbeddedEventStore({ dbPath, port: 0, durability: 'normal' });
    return { connectionString: es.connectionString, where: 'in process', close: () => es.close() };
  }
  const child = spawn(process.execPath, [main, '--port', '0', '--db', dbPath, '--durability', 'normal'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const connectionString = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += chunk;
      const match = /listening on (esdb:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`event store exited with ${code}`)));
  });
  return {
    connectionString,
    where: 'child process',
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

export async function run(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-replay-bench-'));
  const es = await startServer(path.join(dir, 'events.db'));
  const client = EventStoreDBClient.connectionString(es.connectionString);
  try {
    const log = buildLog();
    const seizures = log.filter((e) => e.type === 'CitySeized').length;
    console.log(`log: ${log.length.toLocaleString('en-US')} events (${seizures.toLocaleString('en-US')} seizures over ${PLACES} places, ~${Math.round(seizures / PLACES)} per place, 10% late)`);
    const writeMs = await writeLog(client, log);
    console.log(`  written to the embedded store (${es.where}) in ${(writeMs / 1000).toFixed(1)} s (${rate(log.length, writeMs)})`);
    const targets: Array<string | null> = [null, ...(process.env.DATABASE_URL ? [process.env.DATABASE_URL] : [])];
    for (const databaseUrl of targets) {
      await replayThroughRunner(client, databaseUrl);
      await replayDirect(log, databaseUrl);
    }
  } finally {
    await client.dispose();
    await es.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
