/**
 * Standalone embedded event store: `npm run eventstore -- --port 2113 --db ./data/events.db`.
 * Exit codes: 0 after a graceful shutdown (SIGINT/SIGTERM), 1 when the database cannot be used, 2 on bad arguments.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MAX_APPEND_SIZE, DEFAULT_PORT, type Durability, EventStoreFileError, STARTUP_CHECK_MAX_BYTES, startEmbeddedEventStore } from './index.js';

const HELP = `Embedded EventStoreDB-compatible server (gRPC, insecure) persisting to SQLite.

Usage: npm run eventstore -- [options]
       node dist/src/infrastructure/embedded-esdb/main.js [options]

Options:
  --db <file>               SQLite database file, created if missing (default ./data/events.db).
                            A file that is not one of ours, or is corrupt, is refused and never modified.
  --host <address>          Address to listen on (default 127.0.0.1). Use 0.0.0.0 to accept remote clients.
  --port <number>           TCP port (default ${DEFAULT_PORT}; 0 picks a free port, printed on start).
  --durability <full|normal>
                            full (default): SQLite synchronous=FULL, an acknowledged append survives power loss.
                            normal: synchronous=NORMAL (WAL), survives a process crash; the last appends may be
                            lost on power loss or an OS crash. Faster on slow disks.
  --max-append-size <bytes> Largest append (event data + metadata) accepted (default ${DEFAULT_MAX_APPEND_SIZE}).
  --write-timeout <ms>      Longest an append may wait to be written (default 10000).
  --startup-check-max-bytes <bytes>
                            Existing files up to this size are fully checked (PRAGMA quick_check) before the
                            server listens (default 67108864); larger ones in the background: reads are served at
                            once, writes wait for the check, and a damaged file makes the server exit 1.
  -h, --help                Show this help.

Connect with: esdb://127.0.0.1:<port>?tls=false
Not supported: clustering/gossip, server-side projections, persistent subscriptions, users/ACLs, TLS.
Signals: SIGINT/SIGTERM finish the writes already received, close the database and exit 0.
`;

function fail(message: string, code: number): never {
  process.stderr.write(`embedded-esdb: ${message}\n`);
  process.exit(code);
}

function integer(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 0) fail(`--${name} must be a non-negative integer, got "${value}"`, 2);
  return parsed;
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        db: { type: 'string' },
        host: { type: 'string' },
        port: { type: 'string' },
        durability: { type: 'string' },
        'max-append-size': { type: 'string' },
        'write-timeout': { type: 'string' },
        'startup-check-max-bytes': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    fail(`${(error as Error).message}\n\n${HELP}`, 2);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const durability = (values.durability as string | undefined) ?? 'full';
  if (durability !== 'full' && durability !== 'normal') fail(`--durability must be full or normal, got "${durability}"`, 2);
  const dbPath = path.resolve((values.db as string | undefined) ?? './data/events.db');
  fs.mkdirSync(path.dirname(dbPath), { recursive: true });

  let store;
  try {
    store = await startEmbeddedEventStore({
      onFailure: () => undefined, // reported below
      dbPath,
      host: (values.host as string | undefined) ?? '127.0.0.1',
      port: integer('port', values.port as string | undefined, DEFAULT_PORT),
      durability: durability as Durability,
      maxAppendSize: integer('max-append-size', values['max-append-size'] as string | undefined, DEFAULT_MAX_APPEND_SIZE),
      writeTimeoutMs: integer('write-timeout', values['write-timeout'] as string | undefined, 10_000),
      startupCheckMaxBytes: integer('startup-check-max-bytes', values['startup-check-max-bytes'] as string | undefined, STARTUP_CHECK_MAX_BYTES),
      // This process runs nothing else: no need for a worker thread (and a faster start).
      thread: 'inline',
    });
  } catch (error) {
    if (error instanceof EventStoreFileError) fail(error.message, 1);
    fail(`cannot start: ${(error as Error).message}`, 1);
  }
  const running = store;
  // One parseable line, so scripts (and tests) can find the port when --port 0 was given.
  process.stdout.write(`embedded-esdb listening on ${running.connectionString} (db ${dbPath}, durability ${durability}, pid ${process.pid})\n`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`embedded-esdb: ${signal}, shutting down\n`);
    running.close().then(
      () => process.exit(0),
      (error: unknown) => fail(`shutdown failed: ${(error as Error).message}`, 1),
    );
  };
  running.integrity.catch((error: Error) => {
    // A large file is fully checked in the background (writes wait for it): damaged, it is refused after all.
    process.stderr.write(`embedded-esdb: ${error.message}\n`);
    running.close().finally(() => process.exit(1));
  });
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

void main();
