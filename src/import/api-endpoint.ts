import { type BeforeApplicationShutdown, Inject, Injectable, Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { AppConfig } from '../config/app-config.js';
import { EventStoreConnection } from '../infrastructure/event-store/event-store.module.js';

/** The file a running API keeps in its DATA_DIR, so that `npm run import` on that folder goes through it. */
export const API_ENDPOINT_FILE = 'api-endpoint.json';

/**
 * What a running API tells an import on the same DATA_DIR. Only a hint: the import trusts it when `pid` is alive and
 * holds the data folder's files, and the event store it names answers (a killed API leaves its file behind).
 */
export interface ApiEndpoint {
  pid: number;
  /** Tells this API's file from a later one's, so a shutdown never removes another API's file. */
  instance: string;
  startedAt: string;
  /**
   * The embedded event store's connection string (loopback, no credentials); null when the API uses EVENTSTORE_URL,
   * which is not published (it may hold a password): the import then uses its own EVENTSTORE_URL.
   */
  eventStore: string | null;
  /** How the API holds its read models: an import reads them (the audit index) and must not write them. */
  readStore: { dialect: 'sqlite'; exclusive: boolean } | { dialect: 'postgres'; schema: string };
}

export const apiEndpointPath = (config: AppConfig): string => path.resolve(config.DATA_DIR, API_ENDPOINT_FILE);

/** The endpoint an API with this configuration publishes. */
export function apiEndpointOf(config: AppConfig, embeddedConnectionString: string | null, instance: string): ApiEndpoint {
  return {
    pid: process.pid,
    instance,
    startedAt: new Date().toISOString(),
    eventStore: config.EVENTSTORE_URL ? null : embeddedConnectionString,
    readStore: config.DATABASE_URL
      ? { dialect: 'postgres', schema: config.DATABASE_SCHEMA }
      : { dialect: 'sqlite', exclusive: config.PROJECTIONS_THREAD === 'main' },
  };
}

/** The published endpoint, or undefined when there is none or it cannot be read as one. */
export function readApiEndpoint(file: string): ApiEndpoint | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  const endpoint = parsed as Partial<ApiEndpoint> | null;
  if (
    typeof endpoint !== 'object' ||
    endpoint === null ||
    !Number.isInteger(endpoint.pid) ||
    typeof endpoint.instance !== 'string' ||
    !(endpoint.eventStore === null || typeof endpoint.eventStore === 'string') ||
    typeof endpoint.readStore !== 'object' ||
    endpoint.readStore === null
  ) {
    return undefined;
  }
  return endpoint as ApiEndpoint;
}

/** Written to a temporary file and renamed, so an import never reads half a file. */
export function writeApiEndpoint(file: string, endpoint: ApiEndpoint): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(endpoint, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** Removes the file if it is still this instance's. */
export function removeApiEndpoint(file: string, instance: string): void {
  if (readApiEndpoint(file)?.instance !== instance) return;
  fs.rmSync(file, { force: true });
}

/**
 * Publishes the API's endpoint in DATA_DIR once the app is up, and removes it before the event store closes
 * (beforeApplicationShutdown runs before every onApplicationShutdown). Part of the HTTP app only (createApp): the
 * import CLI does not publish, so a second import never attaches to a first one that is about to exit.
 * Nest runs the hooks of global modules first: the projection runner (ProjectionsModule is global) has migrated the
 * read store before this is published, so an import never finds the audit index without its tables.
 */
@Injectable()
export class ApiEndpointPublisher implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly instance = randomUUID();
  private published = false;

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(EventStoreConnection) private readonly connection: EventStoreConnection,
  ) {}

  onApplicationBootstrap(): void {
    // Only a data folder this API holds files in needs telling: with both stores external, an import is one more client.
    if (this.config.EVENTSTORE_URL && this.config.DATABASE_URL) return;
    const embedded = this.config.EVENTSTORE_URL ? null : this.connection.connectionString;
    try {
      writeApiEndpoint(apiEndpointPath(this.config), apiEndpointOf(this.config, embedded, this.instance));
      this.published = true;
    } catch (error) {
      // The API serves without it; an import on this folder then refuses to start instead of going through it.
      new Logger('ApiEndpoint').warn(`cannot publish ${apiEndpointPath(this.config)}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  beforeApplicationShutdown(): void {
    if (this.published) removeApiEndpoint(apiEndpointPath(this.config), this.instance);
  }
}

@Module({ providers: [ApiEndpointPublisher] })
export class ApiEndpointModule {}
