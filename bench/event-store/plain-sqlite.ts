import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * The baseline: plain better-sqlite3 inserts of the same rows (same table and indexes as the embedded store) at the
 * same durability (WAL, synchronous=FULL), measured in the same run.
 */

const SCHEMA = `
CREATE TABLE events (
  position INTEGER PRIMARY KEY, stream TEXT NOT NULL, revision INTEGER NOT NULL, event_id TEXT NOT NULL,
  type TEXT NOT NULL, is_json INTEGER NOT NULL, created INTEGER NOT NULL, data BLOB NOT NULL, metadata BLOB NOT NULL
);
CREATE UNIQUE INDEX events_by_stream ON events (stream, revision);
CREATE INDEX events_by_id ON events (stream, event_id);
`;

export interface PlainResult {
  readonly rowsPerSecond: number;
}

export function plainInserts(dir: string, payload: Buffer, rowsPerCommit: number, totalRows: number, synchronous: 'FULL' | 'NORMAL' = 'FULL'): PlainResult {
  const file = path.join(dir, `plain-${rowsPerCommit}-${Date.now()}.db`);
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma(`synchronous = ${synchronous}`);
    db.exec(SCHEMA);
    const insert = db.prepare(
      'INSERT INTO events (stream, revision, event_id, type, is_json, created, data, metadata) VALUES (?, ?, ?, ?, 1, ?, ?, ?)',
    );
    const empty = Buffer.alloc(0);
    const commit = db.transaction((from: number, count: number) => {
      for (let i = 0; i < count; i++) insert.run('plain-1', from + i, randomUUID(), 'BenchEvent', Date.now(), payload, empty);
    });
    const started = process.hrtime.bigint();
    for (let done = 0; done < totalRows; done += rowsPerCommit) commit(done, Math.min(rowsPerCommit, totalRows - done));
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { rowsPerSecond: totalRows / seconds };
  } finally {
    db.close();
    for (const suffix of ['', '-wal', '-shm']) fs.rmSync(file + suffix, { force: true });
  }
}
