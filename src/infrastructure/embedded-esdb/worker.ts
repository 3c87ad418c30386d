/**
 * Entry of the embedded server's worker thread (see `startEmbeddedEventStore({ thread: 'worker' })` in index.ts).
 * The host posts nothing but `{ type: 'close' }`; this thread posts `listening` (with the bound port) or
 * `startup-failed` (with the error's name and message), later `integrity` (the file's full check, see server.ts), then
 * ends on its own after a graceful close.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type EmbeddedServerOptions, type RunningServer, startServer } from './server.js';

export type ToHost =
  | { readonly type: 'listening'; readonly port: number }
  | { readonly type: 'startup-failed'; readonly name: string; readonly message: string; readonly stack?: string }
  | { readonly type: 'integrity'; readonly ok: boolean; readonly message?: string }
  | { readonly type: 'close-failed'; readonly message: string };
export type ToWorker = { readonly type: 'close' };

const port = parentPort;
if (!port) throw new Error('worker.ts runs only as a worker thread (startEmbeddedEventStore starts it)');

let running: RunningServer | undefined;
let closeRequested = false;

const close = (): void => {
  if (!running) return; // not started yet: handled once startServer settles
  running.close().then(
    () => port.close(),
    (error: unknown) => {
      port.postMessage({ type: 'close-failed', message: (error as Error)?.message ?? String(error) } satisfies ToHost);
      port.close();
    },
  );
};

port.on('message', (message: ToWorker) => {
  if (message?.type !== 'close' || closeRequested) return;
  closeRequested = true;
  close();
});

startServer(workerData as EmbeddedServerOptions).then(
  (server) => {
    running = server;
    port.postMessage({ type: 'listening', port: server.port } satisfies ToHost);
    server.integrity.then(
      () => port.postMessage({ type: 'integrity', ok: true } satisfies ToHost),
      (error: unknown) => port.postMessage({ type: 'integrity', ok: false, message: (error as Error).message } satisfies ToHost),
    );
    if (closeRequested) close();
  },
  (error: unknown) => {
    const e = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ type: 'startup-failed', name: e.name, message: e.message, stack: e.stack } satisfies ToHost);
    port.close();
  },
);
