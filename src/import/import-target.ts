import { BACKWARDS, END, EventStoreDBClient } from '@eventstore/db-client';
import fs from 'node:fs';
import path from 'node:path';
import type { AppConfig } from '../config/app-config.js';
import { type ApiEndpoint, apiEndpointPath, readApiEndpoint } from './api-endpoint.js';
import { processesHoldingOpen } from './data-dir-guard.js';

/**
 * Where an import's commands go:
 * - `own`: this process opens the stores itself (nothing else holds the data folder's files, or no file is in it:
 *   EVENTSTORE_URL and DATABASE_URL both set make the import one more client of shared stores, like a second API);
 * - `api`: an API holds the data folder: the import appends through that API's event store, reads its read models
 *   without writing them, and leaves projecting to the API;
 * - `refuse`: something holds the data folder that the import cannot go through (exit 2, with the reason).
 */
export type ImportTarget =
  | { kind: 'own' }
  | { kind: 'api'; endpoint: ApiEndpoint; /** The import's EVENTSTORE_URL: the API's embedded store, or the shared one. */ eventStoreUrl: string }
  | { kind: 'refuse'; message: string };

export interface DataDirFacts {
  dataDir: string;
  /** The import's own configuration. */
  eventStoreUrl?: string;
  databaseUrl?: string;
  databaseSchema: string;
  /** Other processes holding the data folder's files open; null when this platform cannot tell. */
  holders: number[] | null;
  /** The endpoint file, if any. */
  endpoint?: ApiEndpoint;
  /** Whether the endpoint's pid is alive (asked only when holders is null). */
  endpointAlive?: boolean;
  /** Whether the endpoint's embedded event store answered (asked only once the endpoint is otherwise trusted). */
  endpointAnswers?: boolean;
}

/** Decides where the import goes from what was found in the data folder (pure: see findImportTarget). */
export function chooseImportTarget(facts: DataDirFacts): ImportTarget {
  const { endpoint, holders } = facts;
  const sharesFiles = !facts.eventStoreUrl || !facts.databaseUrl;
  if (!sharesFiles || (holders !== null && holders.length === 0)) return { kind: 'own' };
  // A file is only a hint (a killed API leaves it behind): its process must hold the data folder's files.
  const trusted = endpoint !== undefined && (holders === null ? facts.endpointAlive === true : holders.includes(endpoint.pid));
  if (!trusted) {
    if (holders === null) return { kind: 'own' }; // nothing says another process is there (README: Linux only)
    return {
      kind: 'refuse',
      message:
        `${facts.dataDir} is in use by another process (pid ${holders.join(', ')}) that publishes no API endpoint ` +
        `(${path.join(facts.dataDir, 'api-endpoint.json')}): another import, or a tool holding the files open.\n` +
        'Wait for it to finish and run the import again.',
    };
  }
  const api = `the API on ${facts.dataDir} (pid ${endpoint.pid})`;
  let eventStoreUrl: string;
  if (endpoint.eventStore !== null) {
    if (facts.eventStoreUrl) {
      return { kind: 'refuse', message: `${api} serves the embedded event store in that folder: unset EVENTSTORE_URL to import through it.` };
    }
    if (facts.endpointAnswers !== true) {
      return {
        kind: 'refuse',
        message: `${api} publishes its event store at ${endpoint.eventStore}, which does not answer. Is the API starting or stopping? Run the import again.`,
      };
    }
    eventStoreUrl = endpoint.eventStore;
  } else {
    if (!facts.eventStoreUrl) {
      return { kind: 'refuse', message: `${api} uses an external event store: set EVENTSTORE_URL as for the API.` };
    }
    eventStoreUrl = facts.eventStoreUrl;
  }
  const readStore = endpoint.readStore;
  if (readStore.dialect === 'sqlite') {
    if (facts.databaseUrl) {
      return { kind: 'refuse', message: `${api} keeps its read models in ${path.join(facts.dataDir, 'read-models.db')}: unset DATABASE_URL.` };
    }
    if (readStore.exclusive) {
      return {
        kind: 'refuse',
        message:
          `${api} runs with PROJECTIONS_THREAD=main, which opens read-models.db exclusively: the import cannot read the ` +
          'audit index it needs meanwhile.\nRestart the API with PROJECTIONS_THREAD=worker (the default), or stop it, ' +
          'and run the import again.',
      };
    }
  } else if (!facts.databaseUrl || readStore.schema !== facts.databaseSchema) {
    return {
      kind: 'refuse',
      message: `${api} keeps its read models in PostgreSQL, schema ${readStore.schema}: set DATABASE_URL and DATABASE_SCHEMA as for the API.`,
    };
  }
  return { kind: 'api', endpoint, eventStoreUrl };
}

/** Gathers the facts chooseImportTarget needs: the processes holding the files, the endpoint file, a probe. */
export async function findImportTarget(config: AppConfig): Promise<ImportTarget> {
  const files = [...(config.EVENTSTORE_URL ? [] : [config.eventsDbPath]), ...(config.DATABASE_URL ? [] : [config.readModelsDbPath])];
  const facts: DataDirFacts = {
    dataDir: path.resolve(config.DATA_DIR),
    eventStoreUrl: config.EVENTSTORE_URL,
    databaseUrl: config.DATABASE_URL,
    databaseSchema: config.DATABASE_SCHEMA,
    holders: files.length === 0 ? [] : canListHolders() ? processesHoldingOpen(files) : null,
    endpoint: readApiEndpoint(apiEndpointPath(config)),
  };
  const endpoint = facts.endpoint;
  if (endpoint && facts.holders === null) facts.endpointAlive = isAlive(endpoint.pid);
  const trusted = endpoint && (facts.holders?.includes(endpoint.pid) ?? facts.endpointAlive);
  if (trusted && endpoint.eventStore !== null && !config.EVENTSTORE_URL) facts.endpointAnswers = await answers(endpoint.eventStore);
  return chooseImportTarget(facts);
}

/** processesHoldingOpen reads /proc (Linux); elsewhere it cannot tell who holds a file. */
function canListHolders(): boolean {
  return fs.existsSync('/proc/self/fd');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** How long the probe waits for the published event store (a loopback server answers in milliseconds). */
const PROBE_TIMEOUT_MS = 3000;

/** True when an event store answers a one-event read of `$all` at this connection string. */
export async function answers(connectionString: string): Promise<boolean> {
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(connectionString);
  } catch {
    return false;
  }
  let timer: NodeJS.Timeout | undefined;
  try {
    const read = (async () => {
      // Read to its end (at most one event): an abandoned read holds up the client's dispose().
      for await (const _ of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, deadline: PROBE_TIMEOUT_MS })) void _;
      return true;
    })();
    const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), PROBE_TIMEOUT_MS + 500)));
    return await Promise.race([read.catch(() => false), timeout]);
  } finally {
    clearTimeout(timer);
    await client.dispose().catch(() => undefined);
  }
}
