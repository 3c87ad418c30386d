import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Whether the module at `moduleUrl` is the script node was started with, rather than imported (by run-all.ts). */
export function isMainModule(moduleUrl: string): boolean {
  return Boolean(process.argv[1]) && moduleUrl === pathToFileURL(path.resolve(process.argv[1])).href;
}

/** A bench run as a script (`node dist/bench/NAME.bench.js`): runs it, then exits 0, or 1 after printing its error. */
export function runIfMainModule(moduleUrl: string, run: () => Promise<void>): void {
  if (!isMainModule(moduleUrl)) return;
  run().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
