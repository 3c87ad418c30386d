import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/**
 * Where a worker thread's entry module of this folder is. Compiled, it is the `.js` file beside the caller. Run from
 * TypeScript sources (ts-jest), a worker thread gets no transform, so it runs the compiled copy in dist/
 * (`npm run build:esdb`, which `npm test` runs first: `pretest`), and a copy older than the sources is refused with a
 * clear error rather than silently running stale code.
 */
export function compiledEntry(name: string, moduleUrl: string): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL(`./${name}.js`, moduleUrl);
  const sourceDir = path.dirname(fileURLToPath(moduleUrl));
  const marker = `${path.sep}src${path.sep}`;
  const at = sourceDir.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate the compiled embedded event store for ${sourceDir} (expected a src/ folder)`);
  const compiledDir = path.join(sourceDir.slice(0, at), 'dist', sourceDir.slice(at + 1));
  const entry = path.join(compiledDir, `${name}.js`);
  const rebuild = 'run `npm run build:esdb` (or `npm run build`); `npm test` does it first';
  if (!fs.existsSync(entry)) {
    throw new Error(`the embedded event store's worker threads run compiled JavaScript, and ${entry} is missing: ${rebuild}`);
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
