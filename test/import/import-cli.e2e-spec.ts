import { type EventStoreDBClient, FORWARDS, START } from '@eventstore/db-client';
import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { lineKey } from '../../src/import/ndjson.js';
import { EVENT_STORE_CLIENT } from '../../src/infrastructure/event-store/event-store.module.js';
import { idempotentEventId } from '../../src/infrastructure/event-store/handle-command.js';
import { StreamNames } from '../../src/shared/domain/stream-names.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

/**
 * `npm run import -- FILE` end to end: the CLI compiled as `npm run build` would compile it (tsc with
 * tsconfig.build.json, here into a temp dir so the spec never depends on a stale dist/), run as a child process on
 * a fresh DATA_DIR with the embedded event store, alone or beside the API running in this test process.
 */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const run = promisify(execFile);

let build: string;
let cli: string;

beforeAll(async () => {
  build = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-import-cli-'));
  // tsc emits even when files being edited elsewhere in the tree have type errors; only the import's graph matters.
  await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(build, 'out')], {
    cwd: ROOT,
  }).catch((error: { stdout?: string }) => {
    if (!fs.existsSync(path.join(build, 'out/src/import/import.cli.js'))) throw new Error(`tsc failed:\n${error.stdout}`);
  });
  // ESM output resolves packages from the repository's node_modules.
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(build, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'), 'dir');
  cli = path.join(build, 'out/src/import/import.cli.js');
}, 120_000);

afterAll(() => {
  if (build) fs.rmSync(build, { recursive: true, force: true });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface Running {
  /** What the CLI wrote to stderr so far. */
  stderr(): string;
  done: Promise<Run>;
}

function startCli(args: string[], dataDir: string, env: Record<string, string> = {}): Running {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: ROOT,
    // SQLite read models in DATA_DIR even on CI's PostgreSQL pass: each run is self-contained.
    env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', DATABASE_URL: '', LOG_LEVEL: 'warn', NODE_OPTIONS: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
  return { stderr: () => stderr, done };
}

function runCli(args: string[], dataDir: string, env: Record<string, string> = {}): Promise<Run> {
  return startCli(args, dataDir, env).done;
}

describe('import CLI', () => {
  let dir: string;
  let dataDir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-import-cli-run-'));
    dataDir = path.join(dir, 'data');
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const writeFile = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.join('\n'));
    return file;
  };

  it('prints its usage with --help', async () => {
    const result = await runCli(['--help'], dataDir);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: npm run import -- FILE/);
  });

  it('exits 2 without a file, or with a file it cannot read', async () => {
    expect((await runCli([], dataDir)).code).toBe(2);
    const missing = await runCli([path.join(dir, 'missing.ndjson')], dataDir);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*missing\.ndjson/);
  });

  it('imports the seed (exit 0), and a re-run appends nothing (exit 0, every line unchanged)', async () => {
    const seed = path.join(ROOT, 'seed/hama.ndjson');
    const lines = fs.readFileSync(seed, 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).length;

    const first = await runCli([seed], dataDir);
    expect(first.stderr).not.toMatch(/rejected:/);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`hama.ndjson: ${lines} command lines: ${lines} imported, 0 unchanged`);
    expect(first.stderr).toContain(`${lines}/${lines} lines (100%)`); // plain progress when not a TTY

    const again = await runCli([seed, '--json'], dataDir);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ total: lines, imported: 0, unchanged: lines, rejected: [] });
  }, 60_000);

  it('exits 1 when a line is rejected, reporting its number and error, and imports the others', async () => {
    const file = writeFile('broken.ndjson', [
      '# line 3 is not JSON, line 4 has an invalid field',
      '{"type":"RegisterFaction","factionId":"rebels-c","name":"Rebels C"}',
      '{"type":"RegisterFaction",',
      '{"type":"RegisterPlace","placeId":"Hama City","name":"Hama","country":"Syria"}',
      '',
      '{"type":"RegisterPlace","placeId":"hama-c","name":"Hama","country":"Syria"}',
    ]);

    const result = await runCli([file, '--json'], dataDir);

    expect(result.code).toBe(1);
    expect(result.stderr).toContain('line 3 (no type) rejected: 400 REQUEST.MALFORMED_JSON: the line is not valid JSON');
    expect(result.stderr).toMatch(/line 4 \(RegisterPlace\) rejected: 400 VALIDATION\.FAILED: placeId: /);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({ total: 4, imported: 2, unchanged: 0 });
    expect(summary.rejected.map((r: { line: number }) => r.line)).toEqual([3, 4]);
    expect(summary.rejected[1].error.errors).toEqual([expect.objectContaining({ field: 'placeId' })]);
  }, 60_000);

  it('refuses to start while another process holds the data folder without publishing an API endpoint', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const fd = fs.openSync(path.join(dataDir, 'events.db'), 'a'); // this test process plays another import
    try {
      const result = await runCli([path.join(ROOT, 'seed/hama.ndjson')], dataDir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`is in use by another process (pid ${process.pid}) that publishes no API endpoint`);
    } finally {
      fs.closeSync(fd);
    }
  });

  it('is not misled by a stale endpoint file: with nothing holding the folder it opens the stores itself', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    // A live pid (this process, which holds nothing in the folder) and a port nothing listens on.
    const stale = { pid: process.pid, instance: 'stale', startedAt: new Date().toISOString(), eventStore: 'esdb://127.0.0.1:1?tls=false', readStore: { dialect: 'sqlite', exclusive: false } };
    fs.writeFileSync(path.join(dataDir, 'api-endpoint.json'), JSON.stringify(stale));
    const result = await runCli([path.join(ROOT, 'seed/hama.ndjson'), '--json'], dataDir);
    expect(result.stderr).not.toContain('importing through');
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ unchanged: 0, rejected: [] });
  }, 60_000);
});

/** The development keys of an app started without API_KEYS. */
const READER = { 'x-api-key': 'dev-reader-key' };

describe('import CLI beside a running API on the same DATA_DIR', () => {
  let dir: string;
  let dataDir: string;
  let api: TestApp | undefined;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-import-cli-api-'));
    dataDir = path.join(dir, 'data');
  });

  afterEach(async () => {
    await api?.close();
    api = undefined;
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** The CLI configured as the API is (its read models in the same PostgreSQL schema on CI's PostgreSQL pass). */
  const cliEnvOf = (app: TestApp) => ({ DATABASE_URL: app.config.DATABASE_URL ?? '', DATABASE_SCHEMA: app.config.DATABASE_SCHEMA });
  const runBeside = (args: string[], app: TestApp) => runCli(args, dataDir, cliEnvOf(app));

  /** Events in the API's log that are not system events. */
  async function userEvents(app: TestApp): Promise<number> {
    let count = 0;
    for await (const resolved of app.app.get<EventStoreDBClient>(EVENT_STORE_CLIENT).readAll({ direction: FORWARDS, fromPosition: START })) {
      if (resolved.event && !resolved.event.type.startsWith('$') && !resolved.event.streamId.startsWith('$')) count += 1;
    }
    return count;
  }

  async function controlOf(app: TestApp, placeId: string): Promise<{ controller: string | null; since: string | null }> {
    const response = await fetch(`${app.baseUrl}/territory/places/${placeId}/control?asOf=2030-01-01`, { headers: READER });
    expect(response.status).toBe(200);
    return (await response.json()) as { controller: string | null; since: string | null };
  }

  it('publishes its event store in DATA_DIR while it runs and removes it on shutdown', async () => {
    api = await startTestApp({ DATA_DIR: dataDir });
    const endpoint = JSON.parse(fs.readFileSync(path.join(dataDir, 'api-endpoint.json'), 'utf8'));
    expect(endpoint).toMatchObject({ pid: process.pid, eventStore: expect.stringMatching(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/) });
    await api.close();
    api = undefined;
    expect(fs.existsSync(path.join(dataDir, 'api-endpoint.json'))).toBe(false);
  });

  it('imports through the API: its queries show the lines (a correction included), rejected lines are reported, a re-run appends nothing', async () => {
    api = await startTestApp({ DATA_DIR: dataDir });
    const seizure = { type: 'SeizeCity', placeId: 'homs-x', factionId: 'rebels-x', fromFactionId: 'army-x', occurred: { date: '2024-12-05', precision: 'day' }, sources: [{ outlet: 'Wire' }] };
    // Import lines have deterministic ids: the seizure's event id is known before it is imported.
    const seizureEventId = idempotentEventId(StreamNames.place('homs-x'), lineKey(seizure), 0);
    const file = path.join(dir, 'homs.ndjson');
    fs.writeFileSync(
      file,
      [
        '{"type":"RegisterFaction","factionId":"rebels-x","name":"Rebels X"}',
        '{"type":"RegisterFaction","factionId":"army-x","name":"Army X"}',
        '{"type":"RegisterPlace","placeId":"homs-x","name":"Homs","country":"Syria"}',
        '{"type":"RegisterPlace","placeId":"Not A Slug","name":"Bad","country":"Syria"}',
        JSON.stringify(seizure),
        // Found through the API's audit index, which its projections fill: the import waits for them.
        JSON.stringify({ type: 'CorrectFact', eventId: seizureEventId, changes: { occurred: { date: '2024-12-06', precision: 'day' } }, reason: 'date', notice: 'The date was wrong.' }),
      ].join('\n'),
    );
    const before = await userEvents(api);

    const first = await runBeside([file, '--json'], api);

    expect(first.stderr).toContain(`an API runs on ${fs.realpathSync(dataDir)} (pid ${process.pid}): importing through its event store`);
    expect(first.stderr).toMatch(/line 4 \(RegisterPlace\) rejected: 400 VALIDATION\.FAILED: placeId: /);
    expect(first.code).toBe(1);
    expect(JSON.parse(first.stdout)).toMatchObject({ total: 6, imported: 5, unchanged: 0, rejected: [{ line: 4 }] });
    // The CLI returns once the API's projections applied its lines: no waiting here.
    expect(await controlOf(api, 'homs-x')).toMatchObject({ controller: 'rebels-x', since: '2024-12-06' });
    const after = await userEvents(api);
    expect(after).toBe(before + 5);

    const again = await runBeside([file, '--json'], api);
    expect(again.code).toBe(1);
    expect(JSON.parse(again.stdout)).toMatchObject({ total: 6, imported: 0, unchanged: 5, rejected: [{ line: 4 }] });
    expect(await userEvents(api)).toBe(after);
  }, 120_000);

  it('runs two imports of one file at once through the API: each line is appended once', async () => {
    api = await startTestApp({ DATA_DIR: dataDir });
    const seed = path.join(ROOT, 'seed/hama.ndjson');
    const lines = fs.readFileSync(seed, 'utf8').split('\n').filter((l) => l.trim() && !l.trim().startsWith('#')).length;

    const runs = await Promise.all([runBeside([seed, '--json'], api), runBeside([seed, '--json'], api)]);

    for (const run of runs) {
      expect(run.stderr).toContain('importing through its event store');
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ total: lines, rejected: [] });
    }
    // Every seed command appends one event.
    expect(await userEvents(api)).toBe(lines);
    expect(await controlOf(api, 'hama')).toMatchObject({ controller: 'hts' });
    const again = await runBeside([seed, '--json'], api);
    expect(JSON.parse(again.stdout)).toMatchObject({ imported: 0, unchanged: lines });
    expect(await userEvents(api)).toBe(lines);
  }, 120_000);

  it('stops (exit 2) when the API it imports through stops, and a re-run appends the rest, nothing twice', async () => {
    api = await startTestApp({ DATA_DIR: dataDir });
    const file = path.join(dir, 'many.ndjson');
    const lines = 5_000;
    fs.writeFileSync(file, Array.from({ length: lines }, (_, i) => `{"type":"RegisterFaction","factionId":"faction-${i}","name":"Faction ${i}"}`).join('\n'));
    const running = startCli([file, '--json'], dataDir, cliEnvOf(api));
    while (!new RegExp(`\\d+/${lines} lines`).test(running.stderr())) await new Promise((resolve) => setTimeout(resolve, 50));
    await api.close();
    api = undefined;

    const stopped = await running.done;
    expect(stopped.stderr).toContain('stopped answering: the remaining lines were not imported');
    expect(stopped.code).toBe(2);
    const partial = JSON.parse(stopped.stdout);
    expect(partial).toMatchObject({ aborted: true });
    expect(partial.imported).toBeLessThan(lines);

    // The API started again: the import goes through it and appends only what is missing.
    api = await startTestApp({ DATA_DIR: dataDir });
    const rest = await runBeside([file, '--json'], api);
    expect(rest.code).toBe(0);
    const summary = JSON.parse(rest.stdout);
    expect(summary).toMatchObject({ total: lines, rejected: [] });
    // A line whose answer the stop cut off may have gone in all the same: it is then unchanged now, never doubled.
    expect(summary.unchanged).toBeGreaterThanOrEqual(partial.imported);
    expect(summary.imported + summary.unchanged).toBe(lines);
    expect(await userEvents(api)).toBe(lines);
  }, 240_000);

  it('refuses, naming the setting, an API whose SQLite read store is exclusive (PROJECTIONS_THREAD=main)', async () => {
    api = await startTestApp({ DATA_DIR: dataDir, PROJECTIONS_THREAD: 'main', DATABASE_URL: '' });
    const result = await runCli([path.join(ROOT, 'seed/hama.ndjson')], dataDir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('runs with PROJECTIONS_THREAD=main');
    expect(await userEvents(api)).toBe(0);
  }, 60_000);
});
