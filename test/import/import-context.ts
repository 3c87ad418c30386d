import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { AppModule } from '../../src/app.module.js';
import { type AppConfig, loadConfig } from '../../src/config/app-config.js';

export interface ImportContext {
  app: INestApplicationContext;
  config: AppConfig;
  close(): Promise<void>;
}

/**
 * The application as the import CLI boots it (no HTTP): the whole AppModule on a fresh embedded event store in a
 * temp DATA_DIR. With DATABASE_URL (CI's PostgreSQL pass), read models go to a fresh schema dropped on close.
 */
export async function startImportContext(): Promise<ImportContext> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-import-ctx-'));
  const schema = process.env.DATABASE_URL ? `t_${randomBytes(6).toString('hex')}` : undefined;
  const config = loadConfig({
    ...process.env,
    DATA_DIR: dataDir,
    SEED: 'false',
    LOG_LEVEL: 'silent',
    EVENTSTORE_URL: undefined,
    ...(schema ? { DATABASE_SCHEMA: schema } : {}),
  });
  const app = await NestFactory.createApplicationContext(AppModule.forRoot(config), { logger: false });
  await app.init();
  return {
    app,
    config,
    async close() {
      await app.close();
      if (schema && process.env.DATABASE_URL) {
        const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();
        await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
        await client.end();
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
