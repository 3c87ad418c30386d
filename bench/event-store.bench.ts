/**
 * Embedded event store benchmark, through the real @eventstore/db-client against the server as the app embeds it
 * (its own worker thread in this process, the default), beside plain better-sqlite3 inserts of the same rows at the
 * same durability, measured in the same run. Prints figures, ratios and targets; never asserts. The same phases then
 * run against the server inside the client's thread (`thread: 'inline'`), and a summary prints both side by side.
 * Two more references from the same run: the raw @grpc/grpc-js streaming message rate on loopback (the ceiling for a
 * $all read or catch-up), and the peer a TypeScript user would pick instead, @event-driven-io/emmett-postgresql on
 * this machine's PostgreSQL (bench/event-store/peer.ts; skipped with a message where no PostgreSQL runs).
 *
 *   npm run build && node dist/bench/event-store.bench.js
 *   BENCH_LOG_EVENTS=1000000   size of the log for the read / catch-up part (default 100,000)
 *   BENCH_SECONDS=3            duration of each timed append phase
 *   BENCH_WARMUP_SECONDS=3     untimed appends first (V8 needs a few thousand to optimise), for the peer as well
 *   BENCH_MODES=worker,inline  server modes measured, in order: worker (default embedded mode), inline (the server in
 *                              the client's thread), child (the standalone process, as `npm run eventstore`)
 *   BENCH_PEER=0               skip the emmett-postgresql peer; BENCH_PEER_PG=postgres://… picks its server
 */
import { type AppendResult, END, EventStoreDBClient, excludeSystemEvents, jsonEvent, START } from '@eventstore/db-client';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { type PeerResult, runPeer } from './event-store/peer.js';
import { plainInserts } from './event-store/plain-sqlite.js';
import { type ClientCeiling, clientCeiling } from './event-store/client-ceiling.js';
import { rawGrpcStreamRate } from './event-store/raw-grpc.js';
import { runIfMainModule } from './main-module.js';

interface Server {
  readonly connectionString: string;
  rssBytes(): number;
  stop(): Promise<void>;
}

const payload = { headline: 'Troops enter the city', place: 'city-0042', faction: 'faction-7', at: '2026-11-25T15:00:00Z', tags: ['war', 'map'] };
const payloadBytes = Buffer.from(JSON.stringify(payload));
const seconds = Number(process.env.BENCH_SECONDS ?? 3);
/** Untimed appends before the first timed phase: V8 takes a few thousand appends to optimise client and server code. */
const warmupSeconds = Number(process.env.BENCH_WARMUP_SECONDS ?? 3);
const logEvents = Number(process.env.BENCH_LOG_EVENTS ?? 100_000);

function rssOf(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /VmRSS:\s+(\d+) kB/.exec(status);
    return match ? Number(match[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

async function startChildServer(dbPath: string): Promise<Server> {
  const main = fileURLToPath(new URL('../src/infrastructure/embedded-esdb/main.js', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, [main, '--port', '0', '--db', dbPath, '--durability', 'full'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const connectionString = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const match = /listening on (esdb:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    connectionString,
    rssBytes: () => rssOf(child.pid!),
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function startInProcessServer(dbPath: string, thread: 'worker' | 'inline'): Promise<Server> {
  const { startEmbeddedEventStore } = await import('../src/infrastructure/embedded-esdb/index.js');
  const store = await startEmbeddedEventStore({ dbPath, port: 0, durability: 'full', thread });
  // A worker thread shares the process: its RSS is the process's.
  return { connectionString: store.connectionString, rssBytes: () => process.memoryUsage().rss, stop: () => store.close() };
}

type Mode = 'worker' | 'inline' | 'child';
const MODE_LABEL: Record<Mode, string> = {
  worker: 'server in its worker thread (default embedded mode)',
  inline: "server in the client's thread",
  child: 'server in a child process (npm run eventstore)',
};

const event = () => jsonEvent({ type: 'BenchEvent', data: payload });
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

/**
 * How much of the client's (the app's) thread a phase took: event-loop utilization and the longest event-loop stall.
 * With the server in the same thread, its commits (fsync) and encoding stall the app's loop; in its worker they do not.
 */
async function onClientLoop<T>(phase: () => Promise<T>): Promise<{ result: T; loop: string }> {
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const before = performance.eventLoopUtilization();
  const result = await phase();
  const elu = performance.eventLoopUtilization(before);
  histogram.disable();
  return { result, loop: `client thread busy ${fmt(elu.utilization * 100)}%, longest stall ${fmt(histogram.max / 1e6, 1)} ms` };
}

/** `writers` concurrent loops of single-event appends with an exact expected revision, each on its own stream. */
async function singleEventAppends(client: EventStoreDBClient, writers: number, duration = seconds): Promise<{ perSecond: number; latencies: number[] }> {
  const latencies: number[] = [];
  const deadline = Date.now() + duration * 1000;
  let count = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const stream = `bench-${randomUUID().replace(/-/g, '')}`;
      let expected: bigint | 'no_stream' = 'no_stream';
      while (Date.now() < deadline) {
        const started = process.hrtime.bigint();
        const result: AppendResult = await client.appendToStream(stream, [event()], { expectedRevision: expected });
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        expected = result.nextExpectedRevision;
        count++;
      }
    }),
  );
  return { perSecond: count / duration, latencies: latencies.sort((a, b) => a - b) };
}

async function batchAppends(client: EventStoreDBClient, size: number, minEvents: number): Promise<number> {
  const stream = `bench-batch-${randomUUID().replace(/-/g, '')}`;
  let expected: bigint | 'no_stream' = 'no_stream';
  let appended = 0;
  const started = process.hrtime.bigint();
  while (appended < minEvents) {
    const result: AppendResult = await client.appendToStream(stream, Array.from({ length: size }, event), { expectedRevision: expected });
    expected = result.nextExpectedRevision;
    appended += size;
  }
  return appended / (Number(process.hrtime.bigint() - started) / 1e9);
}

async function fillLog(client: EventStoreDBClient, total: number): Promise<void> {
  const streams = Array.from({ length: 100 }, () => `fill-${randomUUID().replace(/-/g, '')}`);
  let written = 0;
  let round = 0;
  while (written < total) {
    const size = Math.min(1000, total - written);
    await Promise.all(
      [0, 1, 2, 3].map(async (k) => {
        const n = Math.max(0, Math.min(size, total - written - k * size));
        if (n > 0) await client.appendToStream(streams[(round * 4 + k) % streams.length], Array.from({ length: n }, event));
      }),
    );
    written += Math.min(4 * size, total - written);
    round++;
  }
}

async function liveLatency(client: EventStoreDBClient, samples: number): Promise<number[]> {
  const stream = `bench-live-${randomUUID().replace(/-/g, '')}`;
  const sentAt = new Map<string, bigint>();
  const latencies: number[] = [];
  const subscription = client.subscribeToAll({ fromPosition: END, filter: excludeSystemEvents() });
  await new Promise<void>((resolve) => subscription.once('caughtUp', () => resolve()));
  let waiting: (() => void) | undefined;
  subscription.on('data', (resolved) => {
    const sent = sentAt.get(resolved.event?.id ?? '');
    if (sent === undefined) return;
    latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
    waiting?.();
  });
  for (let i = 0; i < samples; i++) {
    const e = event();
    const received = new Promise<void>((resolve) => (waiting = resolve));
    sentAt.set(e.id, process.hrtime.bigint());
    await client.appendToStream(stream, [e]);
    await received;
  }
  await subscription.unsubscribe();
  return latencies.sort((a, b) => a - b);
}

interface Context {
  readonly peer?: Exclude<PeerResult, { skipped: string }>;
  readonly writerCounts: readonly number[];
  readonly batchSizes: readonly { size: number; minEvents: number }[];
  /** The client's own append rates against a server that stores nothing. */
  readonly ceiling: ClientCeiling;
  /** Raw gRPC rate, measured once (by the first mode) and reused. */
  rawRate?: number;
}

/** One summary line per figure: label -> [figure, ratio to its reference]. */
type Summary = Map<string, { figure: string; ratio: string }>;

async function measure(mode: Mode, context: Context): Promise<Summary> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'esdb-bench-'));
  const dbPath = path.join(dir, 'events.db');
  const server = mode === 'child' ? await startChildServer(dbPath) : await startInProcessServer(dbPath, mode);
  const client = EventStoreDBClient.connectionString(server.connectionString);
  const summary: Summary = new Map();
  const row = (...cells: string[]) => console.log(cells.join('  |  '));
  const peerFigures = context.peer;
  const vsPeer = (ours: number, theirs: number | undefined, target: number) =>
    theirs === undefined ? 'peer skipped' : `${ratio(ours, theirs)} of emmett-postgresql (${fmt(theirs)}/s; target >= ${target}x)`;

  // One writer waits for each append: its time is the client's (the ceiling's) plus the server's. A server whose
  // whole cost were plain's commit of the same rows would reach 1 / (plain / ceiling + 1) of plain, no more.
  const ceilingCell = (ceiling: number, plain: number) =>
    `client ceiling ${fmt(ceiling)}/s (${ratio(ceiling, plain)} of plain); with a server costing exactly plain's commit, one writer would reach ${ratio(1 / (plain / ceiling + 1), 1)} of plain`;

  console.log(`\n== embedded event store: ${MODE_LABEL[mode]}, synchronous=FULL, ${os.cpus().length} CPUs, Node ${process.version} ==`);
  try {
    // The same warm-up as the peer's (bench/event-store/peer.ts): untimed appends, alone and concurrent, and batches.
    for (let i = 0; i < 20; i++) await client.appendToStream('bench-warmup', Array.from({ length: 100 }, event));
    await singleEventAppends(client, 1, warmupSeconds / 2);
    await singleEventAppends(client, 8, warmupSeconds / 2);

    // Each client phase is compared with plain inserts measured right before it: on a shared machine the fsync
    // cost drifts, and a baseline taken minutes earlier would skew the ratio.
    const plainOneNow = () => plainInserts(dir, payloadBytes, 1, 2000).rowsPerSecond;
    row('plain better-sqlite3, 1 row per commit', `${fmt(plainOneNow())} rows/s`);
    let p99at8 = NaN;
    for (const writers of context.writerCounts) {
      const plainOne = plainOneNow();
      const {
        result: { perSecond, latencies },
        loop,
      } = await onClientLoop(() => singleEventAppends(client, writers));
      const target = writers === 1 ? 0.35 : 0.5;
      if (writers === 8) p99at8 = percentile(latencies, 99);
      row(
        `single-event appends, expected revision, ${writers} writer(s)`,
        `${fmt(perSecond)} appends/s`,
        `${ratio(perSecond, plainOne)} of plain 1-row commits (${fmt(plainOne)}/s just before; target >= ${target}x)`,
        `p50 ${fmt(percentile(latencies, 50), 2)} ms, p99 ${fmt(percentile(latencies, 99), 2)} ms`,
        vsPeer(perSecond, peerFigures?.singleAppends.get(writers), 1.5),
        ...(writers === 1 ? [ceilingCell(context.ceiling.singleAppends, plainOne)] : []),
        loop,
      );
      if (writers === 8) summary.set("8 writers: the client's thread", { figure: loop, ratio: '' });
      summary.set(`single-event appends, ${writers} writer(s) (target >= ${target}x plain)`, {
        figure: `${fmt(perSecond)}/s`,
        ratio: ratio(perSecond, plainOne),
      });
    }
    row('p99 latency at 8 writers', `${fmt(p99at8, 2)} ms (target < 5 ms)`);
    summary.set('p99 latency at 8 writers (target < 5 ms)', { figure: `${fmt(p99at8, 2)} ms`, ratio: '' });

    for (const { size, minEvents } of context.batchSizes) {
      const plain = plainInserts(dir, payloadBytes, size, size * 50).rowsPerSecond;
      const { result: appended, loop } = await onClientLoop(() => batchAppends(client, size, minEvents));
      row(
        `${fmt(size)}-event appends`,
        `${fmt(appended)} events/s`,
        `${ratio(appended, plain)} of plain ${fmt(size)}-row commits (${fmt(plain)} rows/s just before; target >= 0.5x)`,
        vsPeer(appended, peerFigures?.batchAppends.get(size), 1),
        ceilingCell(context.ceiling.batchAppends.get(size) ?? NaN, plain),
        loop,
      );
      if (size === 1000) summary.set("1,000-event appends: the client's thread", { figure: loop, ratio: '' });
      const peerRate = peerFigures?.batchAppends.get(size);
      summary.set(`${fmt(size)}-event appends (target >= 0.5x plain${size === 100 ? ', >= 1x peer' : ''})`, {
        figure: `${fmt(appended)} events/s`,
        ratio: `${ratio(appended, plain)}${peerRate === undefined ? '' : `, ${ratio(appended, peerRate)} peer`}`,
      });
    }

    const live = await liveLatency(client, 1000);
    row('live subscription latency (append -> delivered)', `p50 ${fmt(percentile(live, 50), 2)} ms, p99 ${fmt(percentile(live, 99), 2)} ms`);
    summary.set('live latency p50 / p99', { figure: `${fmt(percentile(live, 50), 2)} / ${fmt(percentile(live, 99), 2)} ms`, ratio: '' });

    // A large log: read it and catch up on it from the start.
    // Consume the read to its end: leaving a for-await early leaves a paused gRPC stream that client.dispose() waits on.
    let headBefore = 0;
    for await (const e of client.readAll({ direction: 'backwards', fromPosition: END, maxCount: 1 })) headBefore = Number(e.event!.position!.commit);
    const toWrite = Math.max(0, logEvents - headBefore);
    const fillStarted = process.hrtime.bigint();
    await fillLog(client, toWrite);
    const fillSeconds = Number(process.hrtime.bigint() - fillStarted) / 1e9;
    row(
      `fill the log to ${fmt(logEvents)} events (1,000-event appends, 4 concurrent)`,
      toWrite === 0 ? `nothing to write: the append phases already wrote ${fmt(headBefore)} events` : `${fmt(toWrite / fillSeconds)} events/s`,
    );

    // The raw gRPC ceiling, with messages about the size of one ReadResp for these events.
    const messageBytes = payloadBytes.length + 170;
    if (context.rawRate === undefined) {
      context.rawRate = await rawGrpcStreamRate(Math.min(200_000, Math.max(50_000, logEvents)), messageBytes);
      row(`raw @grpc/grpc-js server streaming on loopback, ${messageBytes}-byte messages, no protobuf`, `${fmt(context.rawRate)} messages/s`);
    }
    const rawRate = context.rawRate;
    const vsRaw = (rate: number) => `${ratio(rate, rawRate)} of raw gRPC (${fmt(rawRate)}/s; target >= 0.4x)`;

    const rssBefore = server.rssBytes();
    let peak = rssBefore;
    const sampler = setInterval(() => (peak = Math.max(peak, server.rssBytes())), 100);
    let readCount = 0;
    let started = process.hrtime.bigint();
    for await (const _ of client.readAll({ fromPosition: START, maxCount: Number.MAX_SAFE_INTEGER })) readCount++;
    const readRate = readCount / (Number(process.hrtime.bigint() - started) / 1e9);
    row(`read $all forwards, ${fmt(readCount)} events`, `${fmt(readRate)} events/s`, vsRaw(readRate), vsPeer(readRate, peerFigures?.consumerRate, 5));
    summary.set('read $all (target >= 0.4x raw gRPC)', { figure: `${fmt(readRate)} events/s`, ratio: ratio(readRate, rawRate) });

    let caught = 0;
    started = process.hrtime.bigint();
    const subscription = client.subscribeToAll({ fromPosition: START });
    await new Promise<void>((resolve) => {
      subscription.on('data', () => caught++);
      subscription.once('caughtUp', () => resolve());
    });
    const catchUpRate = caught / (Number(process.hrtime.bigint() - started) / 1e9);
    await subscription.unsubscribe();
    clearInterval(sampler);
    row(
      `catch-up subscription to $all from START, ${fmt(caught)} events`,
      `${fmt(catchUpRate)} events/s`,
      vsRaw(catchUpRate),
      vsPeer(catchUpRate, peerFigures?.consumerRate, 5),
    );
    summary.set('catch-up $all (target >= 0.4x raw gRPC)', { figure: `${fmt(catchUpRate)} events/s`, ratio: ratio(catchUpRate, rawRate) });
    row(
      `${mode === 'child' ? 'server' : 'process (client + server)'} RSS during read + catch-up`,
      Number.isNaN(rssBefore) ? 'n/a' : `${fmt(rssBefore / 2 ** 20)} MiB before, peak ${fmt(peak / 2 ** 20)} MiB (+${fmt((peak - rssBefore) / 2 ** 20)} MiB)`,
    );
  } finally {
    await client.dispose();
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return summary;
}

export async function run(): Promise<void> {
  const modes = (process.env.BENCH_MODES ?? 'worker,inline').split(',').map((m) => m.trim()) as Mode[];
  for (const mode of modes) if (!(mode in MODE_LABEL)) throw new Error(`BENCH_MODES: unknown mode "${mode}" (worker, inline, child)`);
  const writerCounts = [1, 8, 64];
  const batchSizes = [
    { size: 100, minEvents: 30_000 },
    { size: 1000, minEvents: 60_000 },
  ];
  // The peer first (its own database, dropped at the end), so that its figures can be printed beside ours.
  console.log('\n== peer: @event-driven-io/emmett-postgresql 0.42.0 ==');
  const peer: PeerResult = await runPeer({ payload, writers: writerCounts, seconds, warmupSeconds, batches: batchSizes, logEvents });
  if ('skipped' in peer) console.log(`peer ${peer.skipped}`);
  else {
    console.log(`peer on ${peer.settings}`);
    for (const [writers, rate] of peer.singleAppends) console.log(`peer single-event appends, ${writers} writer(s)  |  ${fmt(rate)} appends/s`);
    for (const [size, rate] of peer.batchAppends) console.log(`peer ${fmt(size)}-event appends  |  ${fmt(rate)} events/s`);
    console.log(`peer consumer (reactor from BEGINNING, 1,000-message pulls), ${fmt(peer.consumerEvents)} events  |  ${fmt(peer.consumerRate)} events/s`);
  }
  // What @eventstore/db-client itself costs: the same appends against a server that stores nothing.
  const ceiling = await clientCeiling(payload, batchSizes.map((b) => b.size), seconds);
  console.log('\n== client ceiling: @eventstore/db-client against a server that decodes each append and stores nothing ==');
  console.log(`single-event appends, 1 writer  |  ${fmt(ceiling.singleAppends)} appends/s`);
  for (const [size, rate] of ceiling.batchAppends) console.log(`${fmt(size)}-event appends, 1 writer  |  ${fmt(rate)} events/s`);
  const context: Context = { peer: 'skipped' in peer ? undefined : peer, ceiling, writerCounts, batchSizes };
  const summaries = new Map<Mode, Summary>();
  for (const mode of modes) summaries.set(mode, await measure(mode, context));

  if (modes.length > 1) {
    console.log(`\n== summary: figure (ratio to its reference) per server mode ==`);
    const labels = [...summaries.get(modes[0])!.keys()];
    console.log(['figure', ...modes].join('  |  '));
    for (const label of labels) {
      const cells = modes.map((mode) => {
        const cell = summaries.get(mode)!.get(label);
        return cell ? `${cell.figure}${cell.ratio ? ` (${cell.ratio})` : ''}` : 'n/a';
      });
      console.log([label, ...cells].join('  |  '));
    }
  }
}

runIfMainModule(import.meta.url, run);
