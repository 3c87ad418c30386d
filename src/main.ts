import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createApp } from './app.factory.js';
import { ConfigValidationError, loadConfig } from './config/app-config.js';
import { DEVELOPMENT_KEYS } from './shared/auth/api-keys.js';
import { seedIfEmpty } from './import/seed.js';

async function main(): Promise<void> {
  const config = loadConfig();
  const app = await createApp(config);
  await app.listen({ port: config.PORT, host: config.HOST });
  const logger = new Logger('Dateline');
  const url = await app.getUrl();
  if (config.SEED) await seedIfEmpty(app);
  logger.log(`API      ${url.replace('[::1]', 'localhost')}`);
  logger.log(`OpenAPI  ${url.replace('[::1]', 'localhost')}/docs`);
  if (!config.API_KEYS) {
    logger.warn('API_KEYS is not set: development keys (never use them in production):');
    for (const { key, roles } of DEVELOPMENT_KEYS) logger.warn(`  X-API-Key: ${key}   ${roles.join(', ')}`);
  }
  logger.log(
    `data     events: ${config.EVENTSTORE_URL ? 'external EventStoreDB' : config.eventsDbPath}; read models: ${
      config.DATABASE_URL ? `PostgreSQL (schema ${config.DATABASE_SCHEMA})` : config.readModelsDbPath
    }`,
  );
}

main().catch((error: unknown) => {
  if (error instanceof ConfigValidationError) {
    console.error(error.message);
  } else {
    console.error(error);
  }
  process.exit(1);
});
