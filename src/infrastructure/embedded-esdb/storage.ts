import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';

/**
 * SQLite storage of the embedded event store: one append-only `events` table whose rowid is the global log
 * position (commit == prepare). Only this file talks SQL.
 */

export type Durability = 'full' | 'normal';

/** Internal revision of a tombstone record; reported on the wire as 2^63-1. */
export const TOMBSTONE_REVISION = -2;
export const TOMBSTONE_WIRE_REVISION = '9223372036854775807';
const FORMAT_KEY = 'format';
const FORMAT_VALUE = 'dateline-embedded-esdb';
const SCHEMA_VERSION = '1';

export interface StoredEvent {
  readonly position: number;
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly isJson: boolean;
  /** Milliseconds since the Unix epoch; the wire wants ticks (x 10,000). */
  readonly createdMs: number;
  readonly data: Buffer;
  readonly metadata: Buffer;
}

export interface ProposedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

/** Thrown when the file cannot be used; the file is never modified in that case. */
export class EventStoreFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'EventStoreFileError';
  }
}

interface EventRow {
  position: number;
  stream: string;
  revision: number;
  event_id: string;
  type: string;
  is_json: number;
  created: number;
  data: Buffer;
  metadata: Buffer;
}

function toEvent(row: EventRow): StoredEvent {
  return {
    position: row.position,
    stream: row.stream,
    revision: row.revision,
    eventId: row.event_id,
    type: row.type,
    isJson: row.is_json === 1,
    createdMs: row.created,
    data: row.data,
    metadata: row.metadata,
  };
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

const SCHEMA = `
CREATE TABLE esdb_info (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE events (
  position INTEGER PRIMARY KEY,
  stream   TEXT    NOT NULL,
  revision INTEGER NOT NULL,
  event_id TEXT    NOT NULL,
  type     TEXT    NOT NULL,
  is_json  INTEGER NOT NULL,
  created  INTEGER NOT NULL,
  data     BLOB    NOT NULL,
  metadata BLOB    NOT NULL
);
CREATE UNIQUE INDEX events_by_stream ON events (stream, revision);
CREATE INDEX events_by_id ON events (stream, event_id);
`;

/**
 * Files up to this size get the full `PRAGMA quick_check` before the server starts (≈ 0.7 s per million events, so
 * at most ≈ 0.1 s here); larger ones get it in a background thread while reads are already served (see server.ts).
 */
export const STARTUP_CHECK_MAX_BYTES = 64 * 1024 * 1024;

function fileError(dbPath: string, error: unknown): EventStoreFileError {
  if (error instanceof EventStoreFileError) return error;
  return new EventStoreFileError(`${dbPath} is not a readable event store database: ${(error as Error).message}`);
}

/**
 * Validates an existing file read-only, so a foreign or corrupt file is reported and left untouched: the format
 * marker, then (when `fullCheck`) `PRAGMA quick_check` over every page; otherwise only the pages on the first and
 * last rows' paths of the log and of its indexes are read, and `checkIntegrity` must run before any write.
 */
function inspectExisting(dbPath: string, fullCheck: boolean): 'fresh' | 'ours' {
  if (!fs.existsSync(dbPath) || fs.statSync(dbPath).size === 0) return 'fresh';
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
    if (tables.length === 0) return 'fresh';
    if (!tables.includes('esdb_info') || !tables.includes('events')) {
      throw new EventStoreFileError(
        `${dbPath} is a SQLite database of another application (tables: ${tables.join(', ')}); refusing to use it`,
      );
    }
    const format = db.prepare(`SELECT value FROM esdb_info WHERE key = ?`).pluck().get(FORMAT_KEY);
    if (format !== FORMAT_VALUE) {
      throw new EventStoreFileError(`${dbPath} is not an embedded event store database (format ${String(format)})`);
    }
    if (fullCheck) {
      quickCheck(db, dbPath);
    } else {
      db.prepare('SELECT * FROM events ORDER BY position ASC LIMIT 1').all();
      db.prepare('SELECT * FROM events ORDER BY position DESC LIMIT 1').all();
      db.prepare('SELECT stream, revision FROM events INDEXED BY events_by_stream ORDER BY stream DESC, revision DESC LIMIT 1').all();
      db.prepare('SELECT stream, event_id FROM events INDEXED BY events_by_id ORDER BY stream DESC, event_id DESC LIMIT 1').all();
    }
    return 'ours';
  } catch (error) {
    throw fileError(dbPath, error);
  } finally {
    db?.close();
  }
}

function quickCheck(db: Database.Database, dbPath: string): void {
  const check = db.prepare('PRAGMA quick_check(1)').pluck().get();
  if (check !== 'ok') throw new EventStoreFileError(`${dbPath} is corrupt: ${String(check)}`);
}

/** `PRAGMA quick_check` over the whole file on a read-only connection; throws EventStoreFileError when damaged. */
export function checkIntegrity(dbPath: string): void {
  let db: Database.Database | undefined;
  try {
    db = new Database(dbPath, { readonly: true, fileMustExist: true });
    quickCheck(db, dbPath);
  } catch (error) {
    throw fileError(dbPath, error);
  } finally {
    db?.close();
  }
}

export interface StorageOptions {
  readonly dbPath: string;
  readonly durability?: Durability;
  /** Existing files larger than this skip the full check at open (default STARTUP_CHECK_MAX_BYTES). */
  readonly startupCheckMaxBytes?: number;
}

/** Raw SQL access; no business rules beyond what SQL enforces. */
export class EventStorage {
  readonly db: Database.Database;
  readonly durability: Durability;
  /** True when the full integrity check was left for later: run `checkIntegrity` before writing. */
  readonly integrityPending: boolean;
  private readonly insertStmt: Database.Statement;
  private readonly streamForwardStmt: Database.Statement;
  private readonly streamBackwardStmt: Database.Statement;
  private readonly allForwardStmt: Database.Statement;
  private readonly allBackwardStmt: Database.Statement;
  private readonly eventAtStmt: Database.Statement;
  private readonly lastRevisionStmt: Database.Statement;
  private readonly tombstoneStmt: Database.Statement;
  private readonly revisionOfIdStmt: Database.Statement;
  private readonly headStmt: Database.Statement;
  private readonly beginStmt: Database.Statement;
  private readonly commitStmt: Database.Statement;
  private readonly rollbackStmt: Database.Statement;

  constructor(options: StorageOptions) {
    this.durability = options.durability ?? 'full';
    const size = fs.existsSync(options.dbPath) ? fs.statSync(options.dbPath).size : 0;
    const fullCheck = size <= (options.startupCheckMaxBytes ?? STARTUP_CHECK_MAX_BYTES);
    const state = inspectExisting(options.dbPath, fullCheck);
    this.integrityPending = state === 'ours' && !fullCheck;
    const db = new Database(options.dbPath);
    this.db = db;
    try {
      const mode = db.pragma('journal_mode = WAL', { simple: true });
      if (String(mode).toLowerCase() !== 'wal') throw new EventStoreFileError(`cannot switch ${options.dbPath} to WAL (got ${String(mode)})`);
      const wanted = this.durability === 'full' ? 2 : 1;
      db.pragma(`synchronous = ${wanted}`);
      // Reopening a WAL database can silently fall back to NORMAL; verify instead of trusting the assignment.
      const actual = Number(db.pragma('synchronous', { simple: true }));
      if (actual !== wanted) {
        throw new EventStoreFileError(`PRAGMA synchronous is ${actual}, expected ${wanted} (${this.durability})`);
      }
      db.pragma('foreign_keys = OFF');
      db.pragma('wal_autocheckpoint = 4000');
      if (state === 'fresh') this.initialise();
    } catch (error) {
      db.close();
      throw error;
    }
    this.insertStmt = db.prepare(
      `INSERT INTO events (stream, revision, event_id, type, is_json, created, data, metadata) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.streamForwardStmt = db.prepare(
      `SELECT * FROM events WHERE stream = ? AND revision >= ? ORDER BY revision ASC LIMIT ?`,
    );
    this.streamBackwardStmt = db.prepare(
      `SELECT * FROM events WHERE stream = ? AND revision <= ? AND revision >= 0 ORDER BY revision DESC LIMIT ?`,
    );
    this.allForwardStmt = db.prepare(`SELECT * FROM events WHERE position >= ? ORDER BY position ASC LIMIT ?`);
    this.allBackwardStmt = db.prepare(`SELECT * FROM events WHERE position < ? ORDER BY position DESC LIMIT ?`);
    this.eventAtStmt = db.prepare(`SELECT * FROM events WHERE stream = ? AND revision = ?`);
    this.lastRevisionStmt = db.prepare(`SELECT MAX(revision) FROM events WHERE stream = ? AND revision >= 0`).pluck();
    this.tombstoneStmt = db.prepare(`SELECT 1 FROM events WHERE stream = ? AND revision = ${TOMBSTONE_REVISION}`).pluck();
    this.revisionOfIdStmt = db
      .prepare(`SELECT MIN(revision) FROM events WHERE stream = ? AND event_id = ? AND revision >= 0`)
      .pluck();
    this.headStmt = db.prepare(`SELECT MAX(position) FROM events`).pluck();
    this.beginStmt = db.prepare('BEGIN IMMEDIATE');
    this.commitStmt = db.prepare('COMMIT');
    this.rollbackStmt = db.prepare('ROLLBACK');
  }

  private initialise(): void {
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.db.exec(SCHEMA);
      const info = this.db.prepare('INSERT INTO esdb_info (key, value) VALUES (?, ?)');
      info.run(FORMAT_KEY, FORMAT_VALUE);
      info.run('schema', SCHEMA_VERSION);
      info.run('created', new Date().toISOString());
      // A real server's log is never empty; clients count on seeing at least one system event in $all.
      this.db
        .prepare(
          `INSERT INTO events (stream, revision, event_id, type, is_json, created, data, metadata) VALUES (?, 0, ?, ?, 1, ?, ?, ?)`,
        )
        .run(
          '$embedded-esdb',
          randomUUID(),
          '$database-created',
          Date.now(),
          Buffer.from(JSON.stringify({ format: FORMAT_VALUE, schema: Number(SCHEMA_VERSION) })),
          Buffer.alloc(0),
        );
      this.db.exec('COMMIT');
    } catch (error) {
      this.db.exec('ROLLBACK');
      throw error;
    }
  }

  begin(): void {
    this.beginStmt.run();
  }
  commit(): void {
    this.commitStmt.run();
  }
  rollback(): void {
    if (this.db.inTransaction) this.rollbackStmt.run();
  }

  insert(stream: string, revision: number, event: ProposedEvent, createdMs: number): StoredEvent {
    const data = asBuffer(event.data);
    const metadata = asBuffer(event.metadata);
    const info = this.insertStmt.run(stream, revision, event.eventId, event.type, event.isJson ? 1 : 0, createdMs, data, metadata);
    return {
      position: Number(info.lastInsertRowid),
      stream,
      revision,
      eventId: event.eventId,
      type: event.type,
      isJson: event.isJson,
      createdMs,
      data,
      metadata,
    };
  }

  lastRevision(stream: string): number {
    const value = this.lastRevisionStmt.get(stream) as number | null;
    return value ?? -1;
  }

  isTombstoned(stream: string): boolean {
    return this.tombstoneStmt.get(stream) !== undefined;
  }

  revisionOfEventId(stream: string, eventId: string): number | undefined {
    const value = this.revisionOfIdStmt.get(stream, eventId) as number | null;
    return value ?? undefined;
  }

  eventAt(stream: string, revision: number): StoredEvent | undefined {
    const row = this.eventAtStmt.get(stream, revision) as EventRow | undefined;
    return row ? toEvent(row) : undefined;
  }

  readStreamForward(stream: string, fromRevision: number, limit: number): StoredEvent[] {
    return (this.streamForwardStmt.all(stream, Math.max(0, fromRevision), limit) as EventRow[]).map(toEvent);
  }

  readStreamBackward(stream: string, fromRevision: number, limit: number): StoredEvent[] {
    return (this.streamBackwardStmt.all(stream, fromRevision, limit) as EventRow[]).map(toEvent);
  }

  /** Events at or after `fromPosition`. */
  readAllForward(fromPosition: number, limit: number): StoredEvent[] {
    return (this.allForwardStmt.all(fromPosition, limit) as EventRow[]).map(toEvent);
  }

  /** Events strictly before `beforePosition`, newest first. */
  readAllBackward(beforePosition: number, limit: number): StoredEvent[] {
    return (this.allBackwardStmt.all(beforePosition, limit) as EventRow[]).map(toEvent);
  }

  headPosition(): number {
    return (this.headStmt.get() as number | null) ?? 0;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }
}
