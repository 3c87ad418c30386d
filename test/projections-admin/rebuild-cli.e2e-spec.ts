import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { command, get } from '../timeline/support.js';
import { day, sources, startApp, world } from '../write-side/support.js';

/**
 * `npm run rebuild -- NAME` end to end: compiled as `npm run build` would (into a temp dir), run as a child process
 * on a DATA_DIR the app wrote and then released; the app restarted on it answers as before.
 */
const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const run = promisify(execFile);
let build: string;
let cli: string;

beforeAll(async () => {
  build = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-rebuild-cli-'));
  await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(build, 'out')], {
    cwd: ROOT,
  }).catch((error: { stdout?: string }) => {
    if (!fs.existsSync(path.join(build, 'out/src/projections-admin/rebuild.cli.js'))) throw new Error(`tsc failed:\n${error.stdout}`);
  });
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(build, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(build, 'node_modules'), 'dir');
  cli = path.join(build, 'out/src/projections-admin/rebuild.cli.js');
}, 120_000);

afterAll(() => {
  if (build) fs.rmSync(build, { recursive: true, force: true });
});

function runCli(args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, EVENTSTORE_URL: '', DATABASE_URL: '', LOG_LEVEL: 'warn', NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('rebuild CLI', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-rebuild-data-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('rebuilds a projection with progress, compares it with the log, and the API answers as before', async () => {
    // SQLite read models in DATA_DIR even on the PostgreSQL pass, like the CLI run below.
    let app = await startApp({ DATA_DIR: dir, DATABASE_URL: '' });
    const ids = await world(app);
    const seized = await command(app, `/admin/places/${ids.place}/seizures`, { factionId: ids.hts, occurred: day('2024-12-05'), sources });
    await command(app, '/admin/corrections', { eventId: seized.eventIds[0], changes: { occurred: day('2024-12-04') }, reason: 'r', notice: 'n' });
    const before = (await get(app, `/timeline?placeId=${ids.place}`)).body;
    expect(before).toHaveLength(1);
    await app.close();

    const result = await runCli(['timeline.facts.v1', '--compare'], dir);
    expect(result.stderr).toMatch(/timeline\.facts\.v1: 100\.0% \(position \d+ of \d+, \d+ events\)/);
    expect(result.stdout).toMatch(/timeline\.facts\.v1: rebuilt from the log up to position \d+/);
    expect(result.stdout).toContain('identical to a fresh replay of the log');
    expect(result.code).toBe(0);

    app = await startApp({ DATA_DIR: dir, DATABASE_URL: '' });
    try {
      const { ProjectionRunner } = await import('../../src/infrastructure/projections/projection-runner.js');
      await app.app.get(ProjectionRunner).waitForHead();
      expect((await get(app, `/timeline?placeId=${ids.place}`)).body).toEqual(before);
    } finally {
      await app.close();
    }
  }, 60_000);

  it('an unknown projection is exit status 2 naming the known ones', async () => {
    const result = await runCli(['no.such.v1'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('no projection "no.such.v1"; known: ');
    expect(result.stderr).toContain('timeline.facts.v1');
  }, 30_000);

  it('no name is a usage error', async () => {
    const result = await runCli([], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('Usage: npm run rebuild -- NAME');
  });
});
