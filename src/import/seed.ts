import { type INestApplicationContext, Logger } from '@nestjs/common';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ImportProblem } from './import-problem.js';
import { type ImportSummary, ImportService } from './import.service.js';

const SEED_FILE = path.join('seed', 'hama.ndjson');

/**
 * The shipped seed file. Found by walking up from this module, so it resolves the same from src/import (tests)
 * and dist/src/import (npm start), whatever the working directory.
 */
export function seedFilePath(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = path.join(dir, SEED_FILE);
    if (fs.existsSync(candidate)) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`${SEED_FILE} not found above ${path.dirname(fileURLToPath(import.meta.url))}`);
    dir = parent;
  }
}

/**
 * `npm start` on an empty event store imports the Hama story (seed/hama.ndjson). "Empty" means no user events:
 * a fresh store already holds system events (`$`-prefixed types and streams), which do not count. A store that
 * holds anything else is left alone, even if the seed was never imported, so a desk's own data is never mixed
 * with the demo story. Returns the summary, or null when the store was not empty.
 */
export async function seedIfEmpty(app: INestApplicationContext, file = seedFilePath()): Promise<ImportSummary | null> {
  const logger = new Logger('Seed');
  const importer = app.get(ImportService);
  if (await importer.hasUserEvents()) {
    logger.log('event store holds events: seed skipped');
    return null;
  }
  const summary = await importer.importFile(file);
  const message =
    `imported ${path.basename(file)}: ${summary.imported} of ${summary.total} commands` +
    (summary.unchanged ? `, ${summary.unchanged} already present` : '') +
    ` in ${summary.durationMs} ms`;
  if (summary.rejected.length === 0) {
    logger.log(message);
  } else {
    logger.error(`${message}; ${summary.rejected.length} rejected`);
    for (const { line, type, error } of summary.rejected) {
      logger.error(`  line ${line} (${type ?? 'no type'}): ${formatProblemInline(error)}`);
    }
  }
  return summary;
}

function formatProblemInline(problem: ImportProblem): string {
  const fields = (problem.errors ?? []).map((e) => `${e.field}: ${e.message}`).join('; ');
  return `${problem.status} ${problem.code ?? problem.title}: ${problem.detail}${fields && !problem.detail.includes(fields) ? ` (${fields})` : ''}`;
}
