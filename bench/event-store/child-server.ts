import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainModule } from '../main-module.js';

/**
 * The bench's reference servers run in a child process, so that the client under measurement has its thread to
 * itself. A reference module is its own child: run with the argument `serve`, it calls its serve function, which
 * prints `<label> on <port>` once listening and stops on SIGTERM.
 */

/** In a reference module: start serving when this module was run as the child (`node module.js serve`). */
export function serveWhenChild(moduleUrl: string, serve: () => Promise<void>): void {
  if (isMainModule(moduleUrl) && process.argv[2] === 'serve') void serve();
}

/** Spawns the reference module as a child, hands `use` the port it listens on, and stops the child afterwards. */
export async function withChildServer<T>(moduleUrl: string, label: string, use: (port: number) => Promise<T>): Promise<T> {
  const child: ChildProcess = spawn(process.execPath, [fileURLToPath(moduleUrl), 'serve'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (d) => {
        out += d;
        const match = new RegExp(`${label} on (\\d+)`).exec(out);
        if (match) resolve(Number(match[1]));
      });
      child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
    });
    return await use(port);
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
}
