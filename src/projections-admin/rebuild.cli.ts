import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import path from 'node:path';
import { ConfigValidationError, loadConfig } from '../config/app-config.js';
import { processesHoldingOpen } from '../import/data-dir-guard.js';
import { parseCliArgs } from '../shared/cli/cli-args.js';

const USAGE = `Usage: npm run rebuild -- NAME [--in-place] [--compare] [--json]
       npm run rebuild -- --list
       node dist/src/projections-admin/rebuild.cli.js NAME

Rebuilds one read model (projection) from the event log, showing progress on stderr, then prints a summary on
stdout. By default the log is replayed into a fresh copy that replaces the model in one transaction once caught up. With the API running, prefer
POST /admin/projections/NAME/rebuild (role auditor): this CLI opens the stores itself.

Options:
  --in-place  drop the model's tables and checkpoint and replay into them instead
  --list      list the projections and their checkpoints, then exit
  --compare   after the rebuild, replay the log into a scratch copy and compare it with the rebuilt model
  --json      print the summary as JSON
  -h, --help  show this help

Configuration is the API's: DATA_DIR, EVENTSTORE_URL, DATABASE_URL, DATABASE_SCHEMA. Without EVENTSTORE_URL the
embedded event store in DATA_DIR is opened by this process: stop an API running on the same DATA_DIR first.

Exit status: 0 rebuilt (and identical when --compare), 1 failed or different, 2 usage or start-up error.
`;

const EXIT = { ok: 0, failed: 1, error: 2 } as const;

interface Args {
  name?: string;
  list: boolean;
  inPlace: boolean;
  compare: boolean;
  json: boolean;
  help: boolean;
  unknown: string[];
}

function parseArgs(argv: string[]): Args {
  const known = {
    help: { type: 'boolean', short: 'h' },
    list: { type: 'boolean' },
    'in-place': { type: 'boolean' },
    compare: { type: 'boolean' },
    json: { type: 'boolean' },
  } as const;
  const { values, positionals, unknown } = parseCliArgs(argv, known, 1);
  return {
    name: positionals[0],
    list: values.list === true,
    inPlace: values['in-place'] === true,
    compare: values.compare === true,
    json: values.json === true,
    help: values.help === true,
    unknown,
  };
}

async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  if (args.help) {
    process.stdout.write(USAGE);
    return EXIT.ok;
  }
  if (args.unknown.length > 0 || (!args.name && !args.list)) {
    process.stderr.write((args.unknown.length ? `rebuild: unexpected argument(s): ${args.unknown.join(' ')}\n` : 'rebuild: no projection NAME given\n') + USAGE);
    return EXIT.error;
  }
  const config = loadConfig({ LOG_LEVEL: 'warn', ...process.env, SEED: 'false' });
  const shared = [...(config.EVENTSTORE_URL ? [] : [config.eventsDbPath]), ...(config.DATABASE_URL ? [] : [config.readModelsDbPath])];
  const holders = processesHoldingOpen(shared);
  if (holders.length > 0) {
    process.stderr.write(
      `rebuild: ${path.resolve(config.DATA_DIR)} is in use by another process (pid ${holders.join(', ')}), probably the API.\n` +
        'Use POST /admin/projections/NAME/rebuild on the running API instead, or stop it first.\n',
    );
    return EXIT.error;
  }

  const { AppModule } = await import('../app.module.js');
  const { ProjectionsAdminService } = await import('./projections-admin.service.js');
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { bufferLogs: true });
  app.useLogger(app.get(Logger));
  try {
    const admin = app.get(ProjectionsAdminService);
    if (args.list) {
      for (const status of await admin.list()) process.stdout.write(`${status.name}\t${status.state}\tcheckpoint ${status.checkpoint ?? '-'}\tlag ${status.lag ?? '?'}\n`);
      return EXIT.ok;
    }
    const name = args.name!;
    let progress;
    try {
      progress = await admin.rebuild(name, { mode: args.inPlace ? 'in-place' : 'copy' });
    } catch (error) {
      if ((error as { code?: string }).code === 'PROJECTIONS.UNKNOWN_PROJECTION') {
        const names = (await admin.list()).map((status) => status.name);
        process.stderr.write(`rebuild: no projection "${name}"; known: ${names.join(', ')}\n`);
        return EXIT.error;
      }
      throw error;
    }
    const started = Date.now();
    let last = '';
    while (progress.state === 'rebuilding') {
      await new Promise((resolve) => setTimeout(resolve, 250));
      progress = (await admin.get(name)).rebuild!;
      const line = `${name}: ${progress.percent.toFixed(1)}% (position ${progress.checkpoint ?? 0} of ${progress.target ?? 0}, ${progress.eventsApplied} events)`;
      if (line !== last) process.stderr.write(`${line}\n`);
      last = line;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const comparison = args.compare && progress.state === 'done' ? await admin.compare(name) : undefined;
    const summary = { ...progress, seconds: Number(seconds), ...(comparison ? { comparison } : {}) };
    if (args.json) process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
    else {
      process.stdout.write(
        progress.state === 'done'
          ? `${name}: rebuilt from the log up to position ${progress.checkpoint} (${progress.eventsApplied} events) in ${seconds} s\n`
          : `${name}: rebuild failed: ${progress.error}\n`,
      );
      if (comparison) {
        process.stdout.write(comparison.identical ? `${name}: identical to a fresh replay of the log\n` : `${name}: DIFFERS from a fresh replay of the log\n`);
        for (const table of comparison.tables) {
          process.stdout.write(`  ${table.table}: ${table.liveRows} rows, ${table.onlyLiveCount} only in the model, ${table.onlyRebuiltCount} only in the replay\n`);
        }
      }
    }
    return progress.state === 'done' && (comparison?.identical ?? true) ? EXIT.ok : EXIT.failed;
  } finally {
    await app.close();
  }
}

main(process.argv.slice(2)).then(
  // Exit explicitly: a lingering handle (a gRPC channel, a projection timer) must not keep the CLI alive.
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`rebuild: ${error instanceof ConfigValidationError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(EXIT.error);
  },
);
