import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigValidationError, loadConfig } from '../config/app-config.js';
import { parseCliArgs } from '../shared/cli/cli-args.js';
import { answers, findImportTarget } from './import-target.js';
import { formatSummary, progressReporter } from './import-progress.js';
import type { ProjectionRunnerApi } from '../infrastructure/projections/projection-runner.js';

const USAGE = `Usage: npm run import -- FILE [--json]
       node dist/src/import/import.cli.js FILE [--json]

Imports an NDJSON file of commands into the Dateline event store, through the same validation and command
handlers as the admin API. One command a line, {"type": "SeizeCity", ...the API body}; blank lines and lines
starting with # are ignored. Each line's idempotency key is the sha256 of its command, so re-running a file
appends nothing new. Events record the actor import:<file name>.

Progress goes to stderr (a bar on a terminal, plain lines otherwise), with every rejected line: its line number
and the error the API would answer. The summary goes to stdout.

Options:
  --json      print the summary as JSON on stdout (rejected lines with their problem+json errors)
  -h, --help  show this help

Configuration is the API's (README "Configuration"): DATA_DIR, EVENTSTORE_URL, DATABASE_URL, DATABASE_SCHEMA;
LOG_LEVEL defaults to warn here. When an API runs on the same DATA_DIR, the import goes through it: its commands
are appended to the API's event store, the API's projections apply them and its queries show them. Otherwise the
import opens the stores in DATA_DIR itself.

Exit status: 0 every line imported (or already present), 1 some lines rejected, 2 usage or start-up error (or the
API imported through stopped), 130 interrupted.
`;

const EXIT = { ok: 0, rejected: 1, error: 2, interrupted: 130 } as const;

interface Args {
  file?: string;
  json: boolean;
  help: boolean;
  unknown: string[];
}

function parseArgs(argv: string[]): Args {
  const { values, positionals, unknown } = parseCliArgs(argv, { help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } }, 1);
  return { file: positionals[0], json: values.json === true, help: values.help === true, unknown };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (args.unknown.length > 0 || !args.file) {
    process.stderr.write(
      (args.unknown.length ? `import: unexpected argument(s): ${args.unknown.join(' ')}\n` : 'import: no FILE given\n') + USAGE,
    );
    return EXIT.error;
  }
  // `npm run import -- FILE` runs in the package root; a relative FILE means relative to where the user typed it.
  const base = process.env.npm_lifecycle_event === 'import' ? (process.env.INIT_CWD ?? process.cwd()) : process.cwd();
  const file = path.resolve(base, args.file);
  try {
    if (!fs.statSync(file).isFile()) throw new Error('not a regular file');
    fs.accessSync(file, fs.constants.R_OK);
  } catch (error) {
    process.stderr.write(`import: cannot read ${args.file}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT.error;
  }

  // The CLI is quiet by default: its own output is the progress and the summary.
  const env = { LOG_LEVEL: 'warn', ...process.env, SEED: 'false' };
  const config = loadConfig(env);
  const target = await findImportTarget(config);
  if (target.kind === 'refuse') {
    process.stderr.write(`import: ${target.message}\n`);
    return EXIT.error;
  }
  const through = target.kind === 'api' ? target : undefined;
  if (through) {
    process.stderr.write(
      `import: an API runs on ${path.resolve(config.DATA_DIR)} (pid ${through.endpoint.pid}): importing through its event store; ` +
        'its projections apply the lines\n',
    );
  }

  // Loaded only now, so --help and usage errors answer without loading the whole application.
  const { AppModule } = await import('../app.module.js');
  const { ImportService } = await import('./import.service.js');
  const { ProjectionRunner } = await import('../infrastructure/projections/projection-runner.js');
  const { withApiProjections } = await import('./api-projections.js');
  const module = through
    ? // The API's event store as an external one, its read store opened shared (the watcher never writes to it).
      withApiProjections(AppModule.forRoot(loadConfig({ ...env, EVENTSTORE_URL: through.eventStoreUrl, PROJECTIONS_THREAD: 'worker' })))
    : AppModule.forRoot(config);
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  const aborter = new AbortController();
  const interrupt = () => {
    process.stderr.write('\nimport: interrupted, stopping after the current line\n');
    aborter.abort();
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);

  const reporter = progressReporter(process.stderr, path.basename(file));
  try {
    let apiGone = false;
    let probing = false;
    const summary = await app.get(ImportService).importFile(file, {
      onProgress: (progress) => {
        reporter.onProgress(progress);
        // The API stopped (its event store with it)? Every remaining line would be rejected the same way.
        if (through && progress.rejection?.error.status === 503 && !probing && !apiGone) {
          probing = true;
          void answers(through.eventStoreUrl).then((up) => {
            probing = false;
            if (up) return;
            apiGone = true;
            aborter.abort();
          });
        }
      },
      signal: aborter.signal,
    });
    reporter.stop();
    if (through && apiGone) {
      process.stderr.write(
        `import: the API's event store (${through.eventStoreUrl}) stopped answering: the remaining lines were not imported.\n` +
          'Run the import again once the API or nothing runs on the data folder: the lines already imported are not appended twice.\n',
      );
    }
    if (through && !summary.aborted) await untilApiApplied(app.get(ProjectionRunner));
    if (args.json) {
      process.stderr.write(formatSummary(summary));
      process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    } else {
      process.stdout.write(formatSummary(summary));
    }
    if (apiGone) return EXIT.error;
    return summary.aborted ? EXIT.interrupted : summary.rejected.length > 0 ? EXIT.rejected : EXIT.ok;
  } finally {
    reporter.stop();
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await app.close();
  }
}

/** How long an import through the API waits for the API's read models to show its lines before it exits. */
const API_CATCH_UP_MS = 60_000;

/** So that the API's queries show the import once the command returns (a wait, not a condition of success). */
async function untilApiApplied(runner: ProjectionRunnerApi): Promise<void> {
  try {
    await runner.waitForHead({ timeoutMs: API_CATCH_UP_MS });
  } catch (error) {
    process.stderr.write(
      `import: the API's read models have not applied every line yet (${error instanceof Error ? error.message : String(error)}); ` +
        'they will show them once its projections catch up\n',
    );
  }
}

main(process.argv.slice(2)).then(
  // Exit explicitly: a lingering handle (a gRPC channel, a projection timer) must not keep the CLI alive.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(
      `import: ${error instanceof ConfigValidationError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(EXIT.error);
  },
);
