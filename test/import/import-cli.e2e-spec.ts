import { execFile, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

/**
 * `npm run import -- FILE` end to end: the CLI compiled as `npm run build` would compile it (tsc with
 * tsconfig.build.json, here into a temp dir so the spec never depends on a stale dist/), run as a child process on
 * a fresh DATA_DIR with the embedded event store.
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

function runCli(args: string[], dataDir: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: ROOT,
      // SQLite read models in DATA_DIR even on CI's PostgreSQL pass: each run is self-contained.
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

  it('refuses to open an embedded store that another process holds open', async () => {
    fs.mkdirSync(dataDir, { recursive: true });
    const fd = fs.openSync(path.join(dataDir, 'events.db'), 'a'); // this test process plays the running API
    try {
      const result = await runCli([path.join(ROOT, 'seed/hama.ndjson')], dataDir);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(`is in use by another process (pid ${process.pid}`);
    } finally {
      fs.closeSync(fd);
    }
  });
});
