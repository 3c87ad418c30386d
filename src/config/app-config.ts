import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, validateSync } from 'class-validator';
import path from 'node:path';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
/** true/false spelled any usual way; anything else is kept as given, so IsBoolean refuses it naming the variable. */
const toBool = ({ value }: { value: unknown }) => {
  if (value === undefined || value === '') return undefined;
  const word = String(value).toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(word)) return true;
  if (['0', 'false', 'no', 'off'].includes(word)) return false;
  return value;
};

/**
 * The one typed configuration, read from the environment and validated at boot. This is the only place that
 * reads process.env (README "Configuration" documents every variable).
 */
export class AppConfig {
  /** HTTP port of the API. 0 picks a free port (tests). */
  @Transform(toInt) @IsInt() @Min(0) @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  /** Where the embedded event store and the SQLite read models live. */
  @IsString()
  DATA_DIR = './data';

  /** `esdb://host:2113?tls=false` for a real EventStoreDB/KurrentDB; unset = the embedded store in DATA_DIR. */
  @IsOptional() @Matches(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kdb):\/\//, {
    message: 'EVENTSTORE_URL must be an esdb:// connection string',
  })
  EVENTSTORE_URL?: string;

  /** `postgres://user:pass@host:5432/db` for PostgreSQL read models; unset = SQLite in DATA_DIR. */
  @IsOptional() @Matches(/^postgres(ql)?:\/\//, { message: 'DATABASE_URL must be a postgres:// URL' })
  DATABASE_URL?: string;

  /** PostgreSQL schema for the read models (created if missing); lets several deployments or test runs share a database. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lower-case SQL identifier' })
  DATABASE_SCHEMA = 'public';

  /** Import the shipped Hama story when the event store is empty. */
  @Transform(toBool) @IsBoolean()
  SEED = true;

  /** `production` refuses to start without API_KEYS; anything else falls back to printed development keys. */
  @IsIn(['production', 'development', 'test'])
  NODE_ENV = 'development';

  /** Comma-separated `owner:role[+role]:sha256-of-key` (roles: editor, auditor, reader). See README "Access". */
  @IsOptional() @IsString()
  API_KEYS?: string;

  /** Admin API requests per minute per API key. */
  @Transform(toInt) @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE = 600;

  /**
   * Events of recently used streams a command may decide on without reading its stream (the append's expected
   * revision checks them); 0 = every command reads its stream. See README "Configuration".
   */
  @Transform(toInt) @IsInt() @Min(0)
  STREAM_CACHE_EVENTS = 20_000;

  /**
   * Entries each read cache of the API keeps in memory (places' control timelines, offices' terms) for current
   * answers, dropped as the projections change them; only with the SQLite read store, which only this process
   * writes. 0 = every answer reads the store. See README "Configuration".
   */
  @Transform(toInt) @IsInt() @Min(0)
  READ_CACHE_ENTRIES = 10_000;

  /**
   * Where the projections run: `worker` (default), a worker thread of their own, so applying events never holds the
   * API's event loop; `main`, the API's thread (one process thread fewer; the SQLite read store is then opened
   * exclusively). See README "Configuration".
   */
  @IsIn(['worker', 'main'])
  PROJECTIONS_THREAD: 'worker' | 'main' = 'worker';

  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
  LOG_LEVEL = 'info';

  get eventsDbPath(): string {
    return path.resolve(this.DATA_DIR, 'events.db');
  }

  get readModelsDbPath(): string {
    return path.resolve(this.DATA_DIR, 'read-models.db');
  }
}

export class ConfigValidationError extends Error {}

/**
 * Whether a variable is given at all. An empty value is unset; so is an API_KEYS that lists no entry (whitespace,
 * only commas): taken as set, it would start a production API that no key can use, or silently drop the
 * development keys elsewhere.
 */
const isSet = (name: string, value: string | undefined): boolean =>
  value !== undefined && value !== '' && (name !== 'API_KEYS' || value.split(',').some((entry) => entry.trim() !== ''));

/** Reads and validates the configuration; throws a readable error naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const raw = Object.fromEntries(known.filter((k) => isSet(k, env[k])).map((k) => [k, env[k]]));
  const config = plainToInstance(AppConfig, raw, { exposeDefaultValues: true });
  const errors = validateSync(config, { whitelist: false });
  if (errors.length === 0 && config.NODE_ENV === 'production' && !config.API_KEYS) {
    throw new ConfigValidationError('Invalid configuration:\n  API_KEYS: required when NODE_ENV=production (at least one owner:role:sha256 entry)');
  }
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigValidationError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}
