/**
 * Issue 4 benchmarks, on the real app (embedded store, SQLite read models) in this process, with autocannon firing
 * from its own worker thread:
 *  - import: lines/s for a ~50,000-line file, and the re-run (which must append nothing);
 *  - commands/s from 16 concurrent HTTP clients (each command loads its stream and appends with an expected
 *    revision) beside a NestJS endpoint that does no work on the same server and adapter; target >= 0.25x, p99 < 20 ms;
 *  - "who controlled place X on date D" over HTTP beside the same do-nothing GET; target >= 0.6x; and "who held office
 *    X on date D" beside it (no target).
 * Each comparison runs in ROUNDS alternating rounds (do-nothing, then the endpoint; projections caught up before each
 * do-nothing round), and the ratio printed is the median of the rounds' ratios: this machine's rate drifts by up to 2x
 * within a minute, and a single pair measured far apart says more about the drift than about the code.
 * Prints; never asserts. BENCH_SECONDS (default 5 per round), BENCH_ROUNDS (default 3) and BENCH_IMPORT_LINES
 * (default 50000) scale it; BENCH_HTTP_PARTS picks the parts (default all:
 * `import,commands,queries,floors,ceiling,main-thread,paused,uncached`):
 *  - floors: the least a command (validation and one append) and a query (validation and one read) cost here;
 *  - ceiling: the do-nothing POST plus one append through @eventstore/db-client to a server that stores nothing;
 *  - main-thread: the commands with the projections in the API's thread (PROJECTIONS_THREAD=main);
 *  - paused: the commands with the projections stopped; uncached: with the stream cache and the read caches off.
 */
import 'reflect-metadata';
import { Body, Controller, Get, Inject, Module, Param, Post, Query } from '@nestjs/common';
import { BACKWARDS, END, EventStoreDBClient, jsonEvent, NO_STREAM } from '@eventstore/db-client';
import { v7 as uuidv7 } from 'uuid';
import autocannon from 'autocannon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createApp } from '../src/app.factory.js';
import { loadConfig } from '../src/config/app-config.js';
import { EVENT_STORE_CLIENT } from '../src/infrastructure/event-store/event-store.module.js';
import { ProjectionRunner } from '../src/infrastructure/projections/projection-runner.js';
import { ImportService } from '../src/import/import.service.js';
import { PlaceControlQueryDto } from '../src/contexts/territory/http/dto/place-control.query.dto.js';
import { SeizeCityRequestDto } from '../src/contexts/territory/http/dto/seize-city.request.dto.js';
import { type PlaceControl, TerritoryReadModel, toControl } from '../src/contexts/territory/queries/territory.read-model.js';
import type { ReadDb } from '../src/infrastructure/read-store/read-store.factory.js';
import { READ_DB } from '../src/infrastructure/read-store/read-store.tokens.js';
import { plainData } from '../src/shared/http/dto/command-result.dto.js';
import { CommandBody } from '../src/shared/http/request-context.js';
import { buildMessyDataset } from '../test/support/messy-dataset.js';
import { withChildServer } from './event-store/child-server.js';
import { runIfMainModule } from './main-module.js';

@Controller('bench')
class NoopController {
  @Get('noop')
  get(): { ok: true } {
    return { ok: true };
  }

  @Post('noop')
  post(@Body() _body: unknown): { ok: true } {
    return { ok: true };
  }
}

/**
 * Floors: the least a command or a query can cost on this stack, measured beside the real endpoints.
 *  - append: the SeizeCity body through the same DTO validation, then one append with an expected revision through
 *    @eventstore/db-client (a new stream each time: nothing to load, nothing to decide; no API key, no command bus);
 *  - control: the same query DTO, then the read of the place's stored timeline the real query makes when the place
 *    is not in its cache (no query bus, no handler, no cache);
 *  - answer: the same query DTO and an answer of the same shape, read from nowhere (what an answer cache could reach).
 * If a floor is already below a target, no work on our command or query path can reach that target here.
 */
@Controller('bench/floor')
class FloorController {
  private readonly model: TerritoryReadModel;

  constructor(
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(READ_DB) db: ReadDb,
  ) {
    this.model = new TerritoryReadModel(db);
  }

  @Post('places/:placeId/seizures')
  async append(@CommandBody(['placeId']) body: SeizeCityRequestDto): Promise<{ revision: string }> {
    const event = jsonEvent({ type: 'BenchFloorAppended', data: plainData(body) as Record<string, unknown> });
    const result = await this.client.appendToStream(`bench-floor-${uuidv7()}`, event, { expectedRevision: NO_STREAM });
    return { revision: result.nextExpectedRevision.toString() };
  }

  /** The model is built here without the place cache: every request reads the place's stored timeline. */
  @Get('places/:placeId/control')
  async control(@Param('placeId') placeId: string, @Query() query: PlaceControlQueryDto): Promise<PlaceControl> {
    return toControl(placeId, (await this.model.storedPlace(placeId)).intervals, query.asOf ?? '2020-01-01');
  }

  /** The same DTO and an answer of the same shape and size, read from nowhere: what an answer cache could reach. */
  @Get('places/:placeId/answer')
  answer(@Param('placeId') placeId: string, @Query() query: PlaceControlQueryDto): PlaceControl {
    const since = query.asOf ?? '2020-01-01';
    return { placeId, controller: 'bench-a', since, until: null, disputed: false, contenders: ['bench-a'], sourceEventIds: [uuidv7()], approximate: false };
  }
}

/** The `ceiling` part's client, of a server that stores nothing (bench/event-store/client-ceiling.ts, in a child process). */
const ceiling: { client?: EventStoreDBClient } = {};

/**
 * The client ceiling: the do-nothing POST plus one append through @eventstore/db-client, with an expected revision, to
 * a server in another process that decodes it and answers at once, storing nothing. No event store can make a
 * command cheaper than this through this client; when its ratio is below a target, no server can meet the target.
 */
@Controller('bench/ceiling')
class CeilingController {
  @Post('appends')
  async append(@Body() body: Record<string, unknown>): Promise<{ revision: string }> {
    const event = jsonEvent({ type: 'BenchCeilingAppended', data: body });
    const result = await ceiling.client!.appendToStream(`bench-ceiling-${uuidv7()}`, event, { expectedRevision: NO_STREAM });
    return { revision: result.nextExpectedRevision.toString() };
  }
}

@Module({ controllers: [NoopController, FloorController, CeilingController] })
class NoopModule {}

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const IMPORT_LINES = Number(process.env.BENCH_IMPORT_LINES ?? 50_000);
const PARTS = new Set((process.env.BENCH_HTTP_PARTS ?? 'import,commands,queries,floors,ceiling,main-thread,paused,uncached').split(',').map((part) => part.trim()));
const PLACES = Number(process.env.BENCH_PLACES ?? 500);
const OFFICES = Number(process.env.BENCH_OFFICES ?? 100);
const EDITOR_KEY = 'dev-editor-key';
const loadDir = path.resolve(process.cwd(), 'bench/load');

interface LoadResult {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
  /** CPU µs per request: the API's thread, and the whole process (API, store, projections, load generator). */
  cpu?: { mainUs: number; allUs: number };
}

/** CPU seconds (user + system) of this process's main thread and of all its threads, from /proc (Linux); null elsewhere. */
function cpuSeconds(): { main: number; all: number } | null {
  const ticks = (file: string) => {
    const fields = fs.readFileSync(file, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks of 1/100 s
  };
  try {
    return { main: ticks(`/proc/${process.pid}/task/${process.pid}/stat`), all: ticks(`/proc/${process.pid}/stat`) };
  } catch {
    return null;
  }
}

function fire(url: string, setupRequest: string, extra: Partial<autocannon.Options> = {}): Promise<LoadResult> {
  const before = cpuSeconds();
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url,
        connections: 16,
        duration: SECONDS,
        workers: 1,
        headers: { 'content-type': 'application/json', 'x-api-key': EDITOR_KEY },
        requests: [{ setupRequest }],
        ...extra,
      } as autocannon.Options,
      (error, result) => {
        if (error) return reject(error);
        const after = cpuSeconds();
        const cpu =
          before && after && result.requests.total > 0
            ? { mainUs: ((after.main - before.main) * 1e6) / result.requests.total, allUs: ((after.all - before.all) * 1e6) / result.requests.total }
            : undefined;
        resolve({
          cpu,
          rps: result.requests.average,
          p50: result.latency.p50,
          p99: result.latency.p99,
          non2xx: result.non2xx,
          errors: result.errors,
        });
      },
    );
  });
}

const fmt = (n: number) => n.toLocaleString('en-US', { maximumFractionDigits: 0 });
const line = (label: string, r: LoadResult) =>
  console.log(`  ${label.padEnd(44)} ${fmt(r.rps).padStart(8)} req/s   p50 ${r.p50} ms   p99 ${r.p99} ms   non-2xx ${r.non2xx}   errors ${r.errors}`);

async function headPosition(client: EventStoreDBClient): Promise<bigint> {
  let head = 0n;
  // Read to the end (maxCount 1): leaving a read early leaves a paused call that client.dispose() waits on forever.
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) {
    head = resolved.event?.position?.commit ?? head;
  }
  return head;
}

async function importBench(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-bench-import-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, SEED: 'false', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', EVENTSTORE_URL: undefined, DATABASE_URL: undefined });
  // Scale the messy dataset until it has about IMPORT_LINES lines.
  let places = Math.max(10, Math.round(IMPORT_LINES / 3.6));
  let dataset = buildMessyDataset({ seed: 7, places, offices: 40 });
  places = Math.max(10, Math.round((places * IMPORT_LINES) / dataset.lines.length));
  dataset = buildMessyDataset({ seed: 7, places, offices: 40 });
  const file = path.join(dataDir, 'bench-import.ndjson');
  fs.writeFileSync(file, dataset.lines.map((l) => JSON.stringify(l)).join('\n') + '\n');

  const app = await createApp(config);
  await app.init();
  try {
    const importer = app.get(ImportService);
    const client = app.get<EventStoreDBClient>(EVENT_STORE_CLIENT);
    const first = await importer.importFile(file);
    const head = await headPosition(client);
    const again = await importer.importFile(file);
    const headAfter = await headPosition(client);
    console.log(`import of ${fmt(first.total)} lines (messy dataset: ${fmt(places)} places, 40 offices)`);
    console.log(`  first run   ${fmt((first.total / first.durationMs) * 1000).padStart(8)} lines/s   (${(first.durationMs / 1000).toFixed(1)} s, ${first.imported} imported, ${first.rejected.length} rejected)`);
    console.log(`  re-run      ${fmt((again.total / again.durationMs) * 1000).padStart(8)} lines/s   (${again.unchanged} unchanged, ${again.imported} imported; log head ${head} -> ${headAfter}: ${headAfter === head ? 'nothing appended' : 'APPENDED'})`);
  } finally {
    await app.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

interface BenchApp {
  app: Awaited<ReturnType<typeof createApp>>;
  url: string;
  close(): Promise<void>;
}

/** The real app on the embedded store and SQLite in a temp dir, with the do-nothing endpoints and the bench places. */
async function startBenchApp(env: Record<string, string> = {}): Promise<BenchApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-bench-http-'));
  const config = loadConfig({ ...process.env, DATA_DIR: dataDir, SEED: 'false', LOG_LEVEL: 'silent', PORT: '0', HOST: '127.0.0.1', EVENTSTORE_URL: undefined, DATABASE_URL: undefined, RATE_LIMIT_PER_MINUTE: '100000000', ...env });
  const app = await createApp(config, [NoopModule]);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.getHttpServer().address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  process.env.BENCH_PLACES = String(PLACES);
  process.env.BENCH_OFFICES = String(OFFICES);
  const setup = [
    ...['bench-a', 'bench-b', 'bench-c', 'bench-d'].map((factionId) => ({ type: 'RegisterFaction', factionId, name: factionId })),
    ...Array.from({ length: PLACES }, (_, i) => ({ type: 'RegisterPlace', placeId: `bench-place-${i}`, name: `Bench ${i}`, country: 'Syria' })),
    // A history for every place, so that the control query finds a stored interval whichever parts run.
    ...Array.from({ length: PLACES }, (_, i) =>
      ['2009-03-01', '2013-07-15', '2017-11-30', '2021-05-09'].map((date, k) => ({
        type: 'SeizeCity',
        placeId: `bench-place-${i}`,
        factionId: `bench-${'abcd'[(i + k) % 4]}`,
        occurred: { date, precision: 'day' },
        sources: [{ outlet: 'bench wire' }],
      })),
    ).flat(),
    // Offices with a succession of terms, for the holder query.
    ...Array.from({ length: OFFICES }, (_, i) => {
      const officeId = `bench-office-${i}`;
      const terms = ['2001-02-01', '2008-06-15', '2014-09-30', '2020-01-10'].flatMap((date, k) => {
        const personId = `bench-person-${i}-${k}`;
        const left = ['2008-06-14', '2014-09-29', '2020-01-09'][k];
        return [
          { type: 'RegisterPerson', personId, name: personId },
          { type: 'AssumeOffice', officeId, personId, occurred: { date, precision: 'day' }, sources: [{ outlet: 'bench wire' }] },
          ...(left ? [{ type: 'LeaveOffice', officeId, personId, reason: 'term-ended', occurred: { date: left, precision: 'day' }, sources: [{ outlet: 'bench wire' }] }] : []),
        ];
      });
      return [{ type: 'EstablishOffice', officeId, title: `Bench office ${i}`, jurisdiction: 'Syria' }, ...terms];
    }).flat(),
  ];
  await app.get(ImportService).importText(setup.map((l) => JSON.stringify(l)).join('\n'), 'bench-setup');
  await app.get(ProjectionRunner).waitForHead({ timeoutMs: 120_000 });
  return {
    app,
    url,
    async close() {
      await app.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

interface Comparison {
  baseline: LoadResult;
  measured: LoadResult;
  /** Median over the rounds of measured.rps / baseline.rps. */
  ratio: number;
  rounds: Array<{ baseline: number; measured: number; cpu: string }>;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** ROUNDS alternating rounds of the do-nothing endpoint and the measured one; the projections catch up before each. */
async function compare(app: BenchApp['app'], url: string, baseline: string, measured: string): Promise<Comparison> {
  const runner = app.get(ProjectionRunner);
  const rounds: Array<{ baseline: LoadResult; measured: LoadResult }> = [];
  for (let i = 0; i < ROUNDS; i++) {
    await runner.waitForHead({ timeoutMs: 300_000 });
    const base = await fire(url, path.join(loadDir, baseline));
    const result = await fire(url, path.join(loadDir, measured));
    rounds.push({ baseline: base, measured: result });
  }
  await runner.waitForHead({ timeoutMs: 300_000 });
  const pick = (key: 'baseline' | 'measured'): LoadResult => ({
    rps: median(rounds.map((r) => r[key].rps)),
    p50: median(rounds.map((r) => r[key].p50)),
    p99: median(rounds.map((r) => r[key].p99)),
    non2xx: rounds.reduce((sum, r) => sum + r[key].non2xx, 0),
    errors: rounds.reduce((sum, r) => sum + r[key].errors, 0),
  });
  return {
    baseline: pick('baseline'),
    measured: pick('measured'),
    ratio: median(rounds.map((r) => r.measured.rps / r.baseline.rps)),
    rounds: rounds.map((r) => ({ baseline: r.baseline.rps, measured: r.measured.rps, cpu: `${cpuText(r.baseline)} / ${cpuText(r.measured)}` })),
  };
}

const cpuText = (r: LoadResult) => (r.cpu ? `${fmt(r.cpu.mainUs)}+${fmt(r.cpu.allUs - r.cpu.mainUs)}` : '?');

const roundsLine = (c: Comparison) =>
  `    rounds (do-nothing / measured req/s): ${c.rounds.map((r) => `${fmt(r.baseline)} / ${fmt(r.measured)}`).join(', ')}\n` +
  `    CPU µs per request, API thread + other threads (do-nothing / measured): ${c.rounds.map((r) => r.cpu).join(', ')}`;

/** Alternating rounds of the do-nothing endpoint and `script`; prints both, every round, and `verdict`. */
async function measure(
  app: BenchApp['app'],
  url: string,
  method: 'GET' | 'POST',
  script: string,
  label: string,
  verdict: (c: Comparison) => string,
): Promise<void> {
  const comparison = await compare(app, url, method === 'GET' ? 'noop-get.cjs' : 'noop-post.cjs', script);
  line(`do-nothing ${method} /bench/noop`, comparison.baseline);
  line(label, comparison.measured);
  console.log(roundsLine(comparison));
  console.log(`  ${verdict(comparison)}`);
}

async function httpBench(): Promise<void> {
  console.log(`HTTP, 16 concurrent clients, ${ROUNDS} rounds of ${SECONDS} s per endpoint, Fastify adapter, embedded store + SQLite (medians)`);
  const { app, url, close } = await startBenchApp();
  try {
    if (PARTS.has('commands')) await measure(app, url, 'POST', 'seize-city.cjs', 'SeizeCity POST (load stream, decide, append)', (c) =>
      `ratio commands / do-nothing: ${c.ratio.toFixed(3)}x (target >= 0.25x; p99 ${c.measured.p99} ms, target < 20 ms)\n` +
      '    (streams loaded from the stream cache, STREAM_CACHE_EVENTS default; each append checks the expected revision)');
    if (PARTS.has('floors')) await measure(app, url, 'POST', 'append-floor.cjs', 'floor: SeizeCity DTO + one append', (c) =>
      `ratio floor / do-nothing: ${c.ratio.toFixed(3)}x (the command target, 0.25x, is out of reach on this stack when this is below it)`);
    if (PARTS.has('ceiling')) {
      await withChildServer(new URL('./event-store/client-ceiling.js', import.meta.url).href, 'ceiling server', async (port) => {
        ceiling.client = EventStoreDBClient.connectionString(`esdb://127.0.0.1:${port}?tls=false`);
        try {
          await measure(app, url, 'POST', 'append-ceiling.cjs', 'ceiling: one append, store-nothing server', (c) =>
            `ratio ceiling / do-nothing: ${c.ratio.toFixed(3)}x (the client alone; the command target, 0.25x, is out of reach through this client when this is below it)`);
        } finally {
          await ceiling.client.dispose();
        }
      });
    }
    if (PARTS.has('queries')) await measure(app, url, 'GET', 'control-query.cjs', 'who controlled X on D (GET control?asOf)', (c) =>
      `ratio query / do-nothing: ${c.ratio.toFixed(3)}x (target >= 0.6x)`);
    if (PARTS.has('queries')) await measure(app, url, 'GET', 'holder-query.cjs', 'who held office X on D (GET holder?asOf)', (c) =>
      `ratio holder query / do-nothing: ${c.ratio.toFixed(3)}x (no target; the same path as the control query)`);
    if (PARTS.has('floors')) await measure(app, url, 'GET', 'control-answer.cjs', 'query DTO + answer, no read', (c) =>
      `ratio no-read / do-nothing: ${c.ratio.toFixed(3)}x (a query that reads nothing: the most an answer cache in the API could reach)`);
    if (PARTS.has('floors')) await measure(app, url, 'GET', 'control-floor.cjs', 'floor: query DTO + one stored-timeline read', (c) =>
      `ratio floor / do-nothing: ${c.ratio.toFixed(3)}x (the query target, 0.6x, is out of reach on this stack when this is below it)`);
  } finally {
    await close();
  }

  // Where the time goes: on a fresh app (as the first round above), one round of the same commands with the
  // projections stopped, beside a do-nothing round.
  if (PARTS.has('paused')) {
    const fresh = await startBenchApp();
    try {
      const base = await fire(fresh.url, path.join(loadDir, 'noop-post.cjs'));
      await fresh.app.get(ProjectionRunner).stop();
      const alone = await fire(fresh.url, path.join(loadDir, 'seize-city.cjs'));
      line('do-nothing POST /bench/noop', base);
      line('SeizeCity, projections stopped (diagnostic)', alone);
      console.log(`  ratio commands / do-nothing: ${(alone.rps / base.rps).toFixed(3)}x (what the command path costs without the projections in its thread)`);
    } finally {
      await fresh.close();
    }
  }

  // The same commands with the projections in the API's thread (PROJECTIONS_THREAD=main), as before they had their own.
  if (PARTS.has('main-thread')) {
    const inline = await startBenchApp({ PROJECTIONS_THREAD: 'main' });
    try {
      await measure(inline.app, inline.url, 'POST', 'seize-city.cjs', 'SeizeCity, PROJECTIONS_THREAD=main', (c) =>
        `ratio commands / do-nothing: ${c.ratio.toFixed(3)}x (p99 ${c.measured.p99} ms; projections in the API's thread)`);
    } finally {
      await inline.close();
    }
  }

  // The same commands with the stream cache off (every command reads its whole stream from the store first), and the
  // same queries with the read caches off (every query reads the place's stored timeline or the office's terms).
  if (!PARTS.has('uncached')) return;
  const uncached = await startBenchApp({ STREAM_CACHE_EVENTS: '0', READ_CACHE_ENTRIES: '0' });
  try {
    await measure(uncached.app, uncached.url, 'POST', 'seize-city.cjs', 'SeizeCity, STREAM_CACHE_EVENTS=0 (reads its stream)', (c) =>
      `ratio commands / do-nothing: ${c.ratio.toFixed(3)}x (p99 ${c.measured.p99} ms)`);
    await measure(uncached.app, uncached.url, 'GET', 'control-query.cjs', 'who controlled X on D, READ_CACHE_ENTRIES=0 (reads the store)', (c) =>
      `ratio query / do-nothing: ${c.ratio.toFixed(3)}x (target >= 0.6x)`);
    await measure(uncached.app, uncached.url, 'GET', 'holder-query.cjs', 'who held office X on D, READ_CACHE_ENTRIES=0 (reads the store)', (c) =>
      `ratio holder query / do-nothing: ${c.ratio.toFixed(3)}x`);
  } finally {
    await uncached.close();
  }
}

export async function run(): Promise<void> {
  if (PARTS.has('import')) await importBench();
  if (['commands', 'queries', 'floors', 'ceiling', 'main-thread', 'paused', 'uncached'].some((part) => PARTS.has(part))) await httpBench();
}

runIfMainModule(import.meta.url, run);
