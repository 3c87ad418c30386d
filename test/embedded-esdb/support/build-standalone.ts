import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * Transpiles src/infrastructure/embedded-esdb (which imports nothing else from src/) to plain ESM JavaScript, so a
 * test can run the standalone server as a real child process without a prior `npm run build`.
 * The output lives under node_modules/.cache so that package imports resolve from the repository.
 */
export function buildStandalone(repoRoot = process.cwd()): string {
  const sourceDir = path.join(repoRoot, 'src', 'infrastructure', 'embedded-esdb');
  const outDir = path.join(repoRoot, 'node_modules', '.cache', 'dateline-embedded-esdb', `${process.pid}-${Date.now()}`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, 'package.json'), JSON.stringify({ type: 'module' }));
  for (const file of fs.readdirSync(sourceDir)) {
    if (!file.endsWith('.ts') || file.endsWith('.d.ts') || file.endsWith('.spec.ts')) continue;
    const source = fs.readFileSync(path.join(sourceDir, file), 'utf8');
    const output = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, esModuleInterop: true, verbatimModuleSyntax: false },
      fileName: file,
    });
    fs.writeFileSync(path.join(outDir, file.replace(/\.ts$/, '.js')), output.outputText);
  }
  return outDir;
}
