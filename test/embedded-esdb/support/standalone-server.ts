import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from './temp-dir.js';
import { removeStandalone, startChild } from './standalone.js';

/**
 * The embedded server in a child process on a fresh database, for client tests that must not load the server's
 * @eventstore/db-client protobuf modules into their own process (see stream-scenarios.ts).
 */
export async function startStandaloneServer(): Promise<{ connectionString: string; close(): Promise<void> }> {
  const dir = tempDir();
  const child = await startChild(path.join(dir, 'events.db'));
  return {
    connectionString: child.connectionString,
    async close() {
      if (child.process.exitCode === null && child.process.signalCode === null) child.process.kill('SIGTERM');
      await child.exited;
      fs.rmSync(dir, { recursive: true, force: true });
      removeStandalone();
    },
  };
}
