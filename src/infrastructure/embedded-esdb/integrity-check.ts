/**
 * Entry of the background integrity check's worker thread (server.ts starts it for large files): runs
 * `PRAGMA quick_check` on a read-only connection and posts `{ ok: true }` or `{ ok: false, message }`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { checkIntegrity } from './storage.js';

try {
  checkIntegrity((workerData as { dbPath: string }).dbPath);
  parentPort!.postMessage({ ok: true });
} catch (error) {
  parentPort!.postMessage({ ok: false, message: (error as Error).message });
}
