/**
 * Public entry of the embedded EventStoreDB-compatible server (gRPC, for @eventstore/db-client 6.2.1) that persists
 * to one SQLite file. This folder imports nothing else from src/.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { type EmbeddedServerOptions, startServer } from './server.js';
import { type Durability, EventStoreFileError } from './storage.js';
import type { ToHost, ToWorker } from './worker.js';

export { EventStoreFileError, type Durability } from './storage.js';

/**
 * `worker` (default): the server runs in its own worker thread, so SQLite commits (fsync), protobuf encoding and
 * decoding never block the host's event loop and use another core. `inline`: in the caller's thread (the standalone
 * process, where nothing else runs).
 */
export type EmbeddedThread = 'worker' | 'inline';

export interface EmbeddedEventStoreOptions {
  /** SQLite file; created if missing. A foreign or corrupt file is refused and never modified. */
  dbPath: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 2113. */
  port?: number;
  /**
   * `full` (default): SQLite synchronous=FULL, every acknowledged append survives a power loss.
   * `normal`: synchronous=NORMAL in WAL mode, survives a process crash but the last commits may be lost on power loss.
   */
  durability?: Durability;
  /** Bytes of event data + user metadata per append. Default 1,048,576, as EventStoreDB. */
  maxAppendSize?: number;
  /** Longest an append may wait to be written, whatever the client's deadline. Default 10,000 ms. */
  writeTimeoutMs?: number;
  /** Default `worker`. */
  thread?: EmbeddedThread;
  /**
   * Worker mode: called once if the server's thread ends without close() having been asked (an uncaught error in
   * the server). Without it the failure is reported with process.emitWarning. Clients then see UNAVAILABLE.
   */
  onUnexpectedExit?: (error: Error) => void;
}

export interface EmbeddedEventStore {
  readonly host: string;
  readonly port: number;
  /** `esdb://host:port?tls=false` */
  readonly connectionString: string;
  readonly thread: EmbeddedThread;
  /**
   * Answers the writes already received, ends subscriptions and BatchAppend calls with UNAVAILABLE, stops the
   * transport and closes the file; in worker mode also waits for the thread to end.
   */
  close(): Promise<void>;
}

export const DEFAULT_PORT = 2113;
export const DEFAULT_MAX_APPEND_SIZE = 1_048_576;
/** Longest close() waits for the worker thread to end by itself after a graceful close, before terminating it. */
const WORKER_EXIT_GRACE_MS = 5_000;

/** Test hook: the Worker behind a store started in worker mode. */
const workers = new WeakMap<EmbeddedEventStore, Worker>();
export function workerOf(store: EmbeddedEventStore): Worker | undefined {
  return workers.get(store);
}

export async function startEmbeddedEventStore(options: EmbeddedEventStoreOptions): Promise<EmbeddedEventStore> {
  const host = options.host ?? '127.0.0.1';
  const serverOptions: EmbeddedServerOptions = {
    dbPath: options.dbPath,
    host,
    port: options.port ?? DEFAULT_PORT,
    durability: options.durability ?? 'full',
    maxAppendSize: options.maxAppendSize ?? DEFAULT_MAX_APPEND_SIZE,
    writeTimeoutMs: options.writeTimeoutMs ?? 10_000,
  };
  const connectHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const described = (port: number, thread: EmbeddedThread, close: () => Promise<void>): EmbeddedEventStore => ({
    host,
    port,
    connectionString: `esdb://${connectHost.includes(':') ? `[${connectHost}]` : connectHost}:${port}?tls=false`,
    thread,
    close,
  });
  if ((options.thread ?? 'worker') === 'inline') {
    const running = await startServer(serverOptions);
    return described(running.port, 'inline', running.close);
  }
  return startInWorker(serverOptions, options.onUnexpectedExit, described);
}

// ---- worker mode ---------------------------------------------------------------------------------------------------

/**
 * The worker's entry: `worker.js` beside this module when it runs compiled. Run from TypeScript sources (ts-jest),
 * a worker thread gets no transform, so it runs the compiled copy in dist/ (`npm run build:esdb`, run by `pretest`),
 * refusing a copy older than the sources.
 */
export function workerEntry(moduleUrl: string = import.meta.url): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL('./worker.js', moduleUrl);
  const sourceDir = path.dirname(fileURLToPath(moduleUrl));
  const marker = `${path.sep}src${path.sep}`;
  const at = sourceDir.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate the compiled embedded event store for ${sourceDir} (expected a src/ folder)`);
  const root = sourceDir.slice(0, at);
  const compiledDir = path.join(root, 'dist', sourceDir.slice(at + 1));
  const entry = path.join(compiledDir, 'worker.js');
  const rebuild = 'run `npm run build:esdb` (or `npm run build`); `npm test` does it first';
  if (!fs.existsSync(entry)) {
    throw new Error(`the embedded event store's worker thread runs compiled JavaScript, and ${entry} is missing: ${rebuild}`);
  }
  for (const file of fs.readdirSync(sourceDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts')) continue;
    const compiled = path.join(compiledDir, file.replace(/\.ts$/, '.js'));
    if (!fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(path.join(sourceDir, file)).mtimeMs) {
      throw new Error(`the compiled embedded event store in ${compiledDir} is older than src/ (${file}): ${rebuild}`);
    }
  }
  return pathToFileURL(entry);
}

function startInWorker(
  serverOptions: EmbeddedServerOptions,
  onUnexpectedExit: ((error: Error) => void) | undefined,
  described: (port: number, thread: EmbeddedThread, close: () => Promise<void>) => EmbeddedEventStore,
): Promise<EmbeddedEventStore> {
  const worker = new Worker(workerEntry(), { workerData: serverOptions, name: 'embedded-esdb' });
  const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
  let uncaught: Error | undefined;
  let closeError: string | undefined;
  let closeRequested = false;
  let started = false;
  let diedUnexpectedly = false;

  return new Promise<EmbeddedEventStore>((resolve, reject) => {
    worker.on('error', (error) => {
      uncaught = error;
    });
    worker.on('message', (message: ToHost) => {
      if (message.type === 'listening') {
        started = true;
        let closing: Promise<void> | undefined;
        const close = () =>
          (closing ??= (async () => {
            if (diedUnexpectedly) return; // already reported through onUnexpectedExit
            closeRequested = true;
            worker.postMessage({ type: 'close' } satisfies ToWorker);
            const timer = setTimeout(() => void worker.terminate(), WORKER_EXIT_GRACE_MS);
            const code = await exited;
            clearTimeout(timer);
            if (closeError) throw new Error(`embedded event store: close failed: ${closeError}`);
            if (code !== 0 && uncaught) throw uncaught;
          })());
        const store = described(message.port, 'worker', close);
        workers.set(store, worker);
        resolve(store);
      } else if (message.type === 'startup-failed') {
        const error = message.name === 'EventStoreFileError' ? new EventStoreFileError(message.message) : new Error(message.message);
        if (message.name !== 'EventStoreFileError' && message.name !== 'Error') error.name = message.name;
        reject(error);
      } else if (message.type === 'close-failed') {
        closeError = message.message;
      }
    });
    void exited.then((code) => {
      if (!started) {
        // Nothing posted (the entry failed to load, or the thread died while starting).
        reject(uncaught ?? new Error(`embedded event store worker exited with code ${code} before listening`));
        return;
      }
      if (closeRequested) return;
      diedUnexpectedly = true;
      const error = new Error(
        `embedded event store worker thread ended unexpectedly (exit code ${code})${uncaught ? `: ${uncaught.stack ?? uncaught.message}` : ''}`,
      );
      if (onUnexpectedExit) onUnexpectedExit(error);
      else process.emitWarning(error.message);
    });
  });
}
