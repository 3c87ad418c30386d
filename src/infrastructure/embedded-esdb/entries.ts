import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export interface CompiledEntryOptions {
  /** What runs there, for the error messages. */
  what?: string;
  /** The command that compiles it, for the error messages. */
  build?: string;
  /** Check every source below the caller's folder (the entry imports across it), not only the folder itself. */
  tree?: boolean;
}

function* sources(dir: string, tree: boolean): Generator<string> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (tree) yield* sources(file, tree);
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') && !/\.(spec|test)\.ts$/.test(entry.name)) {
      yield file;
    }
  }
}

/**
 * Where a worker thread's entry module `name` beside the caller is. Compiled, it is the `.js` file beside the caller.
 * Run from TypeScript sources (ts-jest), a worker thread gets no transform, so it runs the compiled copy in dist/
 * (`npm test` builds it first: `pretest`), and a copy older than the sources is refused with a clear error rather
 * than silently running stale code.
 */
export function compiledEntry(name: string, moduleUrl: string, options: CompiledEntryOptions = {}): URL {
  if (!moduleUrl.endsWith('.ts')) return new URL(`./${name}.js`, moduleUrl);
  const what = options.what ?? 'the embedded event store';
  const rebuild = `run \`${options.build ?? 'npm run build:esdb'}\` (or \`npm run build\`); \`npm test\` does it first`;
  const sourceDir = path.dirname(fileURLToPath(moduleUrl));
  const marker = `${path.sep}src${path.sep}`;
  const at = `${sourceDir}${path.sep}`.lastIndexOf(marker);
  if (at < 0) throw new Error(`cannot locate the compiled ${what} for ${sourceDir} (expected a src/ folder)`);
  const compiledDir = path.join(sourceDir.slice(0, at), 'dist', sourceDir.slice(at + 1));
  const entry = path.join(compiledDir, `${name}.js`);
  if (!fs.existsSync(entry)) {
    throw new Error(`the worker threads of ${what} run compiled JavaScript, and ${entry} is missing: ${rebuild}`);
  }
  for (const source of sources(sourceDir, options.tree ?? false)) {
    const compiled = path.join(compiledDir, path.relative(sourceDir, source).replace(/\.ts$/, '.js'));
    if (!fs.existsSync(compiled) || fs.statSync(compiled).mtimeMs < fs.statSync(source).mtimeMs) {
      throw new Error(`the compiled ${what} in ${compiledDir} is older than src/ (${path.relative(sourceDir, source)}): ${rebuild}`);
    }
  }
  return pathToFileURL(entry);
}
