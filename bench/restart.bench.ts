/**
 * Restart after kill -9 on a large event file: how long from spawning the standalone server (as `npm run eventstore`
 * runs it) until it answers a read through the real @eventstore/db-client. Target: serving again within 1 s on a
 * 1,000,000-event file. Printed, never asserted.
 *
 *   npm run build && node dist/bench/restart.bench.js
 *   BENCH_RESTART_EVENTS=1000000   events in the file (default 1,000,000)
 *   BENCH_RESTART_ROUNDS=3         kill -9 / restart rounds
 *
 * The file is built with the server's own storage and write path (EventStorage + EventLog: the same rows, indexes,
 * group commit and synchronous=FULL as a server writes; only gRPC is left out, which writes nothing to the file), in
 * 1,000-event appends over 1,000 streams, so that building a million events takes seconds instead of a minute. Then
 * each round starts the server as a child process, has 4 clients append 1- to 10-event batches, kills it with
 * SIGKILL mid-stream (the WAL holds uncheckpointed commits), and times the restart.
 */
import { EventStoreDBClient, jsonEvent, START } from '@eventstore/db-client';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventLog } from '../src/infrastructure/embedded-esdb/event-log.js';
import { EventStorage, type ProposedEvent } from '../src/infrastructure/embedded-esdb/storage.js';
import { runIfMainModule } from './main-module.js';

const payload = { headline: 'Troops enter the city', place: 'city-0042', faction: 'faction-7', at: '2026-11-25T15:00:00Z', tags: ['war', 'map'] };
const payloadBytes = Buffer.from(JSON.stringify(payload));
const totalEvents = Number(process.env.BENCH_RESTART_EVENTS ?? 1_000_000);
const rounds = Number(process.env.BENCH_RESTART_ROUNDS ?? 3);
const TARGET_MS = 1000;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ms = (from: bigint) => Number(process.hrtime.bigint() - from) / 1e6;

async function buildFile(dbPath: string, events: number): Promise<number> {
  const storage = new EventStorage({ dbPath, durability: 'full' });
  const log = new EventLog(storage);
  const streams = Array.from({ length: 1000 }, () => `restart-${randomUUID().replace(/-/g, '')}`);
  const metadata = Buffer.from('{"$correlationId":"bench"}');
  const started = process.hrtime.bigint();
  let written = 0;
  for (let round = 0; written < events; round++) {
    // Four appends per group commit, as four concurrent 1,000-event appends would be.
    const pending: Promise<unknown>[] = [];
    for (let k = 0; k < 4 && written < events; k++) {
      const n = Math.min(1000, events - written);
      const batch: ProposedEvent[] = Array.from({ length: n }, () => ({
        eventId: randomUUID(),
        type: 'BenchEvent',
        isJson: true,
        data: payloadBytes,
        metadata,
      }));
      pending.push(log.submit({ kind: 'append', stream: streams[(round * 4 + k) % streams.length], expected: { kind: 'any' }, events: batch }));
      written += n;
    }
    const outcomes = (await Promise.all(pending)) as { ok: boolean }[];
    if (!outcomes.every((o) => o.ok)) throw new Error('building the file failed');
  }
  await log.drainAndClose();
  storage.close();
  return ms(started);
}

interface Child {
  readonly process: ChildProcess;
  readonly spawnedAt: bigint;
  readonly listening: Promise<{ connectionString: string; atMs: number }>;
  readonly exited: Promise<void>;
}

function spawnServer(main: string, dbPath: string): Child {
  const spawnedAt = process.hrtime.bigint();
  const child = spawn(process.execPath, [main, '--port', '0', '--db', dbPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const listening = new Promise<{ connectionString: string; atMs: number }>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /listening on (esdb:\/\/\S+)/.exec(out);
      if (match) resolve({ connectionString: match[1], atMs: ms(spawnedAt) });
    });
    child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)));
  });
  return { process: child, spawnedAt, listening, exited };
}

/** Clients appending until the server dies; resolves with the number of acknowledged events. */
function appendUntilKilled(connectionString: string): { acknowledged: () => number; done: Promise<void> } {
  let acknowledged = 0;
  const clients = Array.from({ length: 4 }, () => EventStoreDBClient.connectionString(connectionString));
  const done = Promise.all(
    clients.map(async (client, i) => {
      const stream = `restart-live-${i}-${randomUUID().replace(/-/g, '')}`;
      try {
        for (let n = 0; ; n++) {
          const batch = Array.from({ length: 1 + (n % 10) }, () => jsonEvent({ type: 'BenchEvent', data: payload }));
          await client.appendToStream(stream, batch);
          acknowledged += batch.length;
        }
      } catch {
        // killed
      } finally {
        await client.dispose().catch(() => undefined);
      }
    }),
  ).then(() => undefined);
  return { acknowledged: () => acknowledged, done };
}

export async function run(): Promise<void> {
  const main = fileURLToPath(new URL('../src/infrastructure/embedded-esdb/main.js', import.meta.url));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdb-restart-'));
  const dbPath = path.join(dir, 'events.db');
  console.log(`\n== restart after kill -9: standalone server on a ${fmt(totalEvents)}-event file (${os.cpus().length} CPUs, Node ${process.version}) ==`);
  try {
    const buildMs = await buildFile(dbPath, totalEvents);
    console.log(
      `built the file with the server's write path: ${fmt(totalEvents)} events in ${fmt(buildMs / 1000, 1)} s, ${fmt(fs.statSync(dbPath).size / 2 ** 20)} MiB`,
    );
    const cold = spawnServer(main, dbPath);
    console.log(`first start on the closed file: listening after ${fmt((await cold.listening).atMs)} ms`);
    let server = cold;
    const results: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const { connectionString } = await server.listening;
      const writers = appendUntilKilled(connectionString);
      const killAt = writers.acknowledged() + 2000 + round * 1000;
      while (writers.acknowledged() < killAt) await new Promise((r) => setTimeout(r, 2));
      server.process.kill('SIGKILL');
      await server.exited;
      await writers.done;
      const walBytes = fs.existsSync(`${dbPath}-wal`) ? fs.statSync(`${dbPath}-wal`).size : 0;

      server = spawnServer(main, dbPath);
      const { connectionString: again, atMs: listeningMs } = await server.listening;
      const reader = EventStoreDBClient.connectionString(again);
      let read = 0;
      for await (const _ of reader.readAll({ fromPosition: START, maxCount: 10 })) read++;
      const servedMs = ms(server.spawnedAt);
      // Writes wait for the background integrity check of a large file: time the first acknowledged append too.
      await reader.appendToStream(`restart-after-${round}`, [jsonEvent({ type: 'BenchEvent', data: payload })]);
      const writableMs = ms(server.spawnedAt);
      await reader.dispose();
      results.push(servedMs);
      console.log(
        `round ${round}: killed after ${fmt(writers.acknowledged())} acknowledged events (WAL ${fmt(walBytes / 2 ** 20, 1)} MiB)  |  ` +
          `spawn -> listening ${fmt(listeningMs)} ms, spawn -> first read answered (${read} events) ${fmt(servedMs)} ms, ` +
          `spawn -> first append acknowledged (after the background integrity check) ${fmt(writableMs)} ms  |  ` +
          `${servedMs <= TARGET_MS ? 'meets' : 'MISSES'} the ${fmt(TARGET_MS)} ms target`,
      );
    }
    server.process.kill('SIGTERM');
    await server.exited;
    const sorted = [...results].sort((a, b) => a - b);
    console.log(
      `restart after kill -9 on a ${fmt(totalEvents)}-event file, spawn -> serving a read: median ${fmt(sorted[Math.floor(sorted.length / 2)])} ms, ` +
        `worst ${fmt(sorted[sorted.length - 1])} ms  |  ${fmt(sorted[sorted.length - 1] / TARGET_MS, 2)}x the ${fmt(TARGET_MS)} ms target (target <= 1x)`,
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

runIfMainModule(import.meta.url, run);
