import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { buildStandalone } from './build-standalone.js';

/** Runs the standalone server (main.ts, transpiled once per test file) as a real child process. */

let built: string | undefined;

export function standaloneMain(): string {
  built ??= buildStandalone();
  return path.join(built, 'main.js');
}

export function removeStandalone(): void {
  if (built) fs.rmSync(built, { recursive: true, force: true });
  built = undefined;
}

export interface Child {
  readonly process: ChildProcess;
  readonly connectionString: string;
  readonly stderr: () => string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [standaloneMain(), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export function startChild(dbPath: string, extra: string[] = []): Promise<Child> {
  const child = spawn(process.execPath, [standaloneMain(), '--port', '0', '--db', dbPath, ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d) => (stderr += d));
    child.stdout!.on('data', (d) => {
      stdout += d;
      const match = /listening on (esdb:\/\/\S+)/.exec(stdout);
      if (match) resolve({ process: child, connectionString: match[1], stderr: () => stderr, exited });
    });
    void exited.then(({ code }) => reject(new Error(`server exited with ${code}: ${stderr}`)));
  });
}
