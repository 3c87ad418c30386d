import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fresh temp directory (without loading any client package, unlike harness.ts). */
export function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'embedded-esdb-'));
}
