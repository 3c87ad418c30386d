import type { INestApplication } from '@nestjs/common';

/** Placeholder (write side replaces it): imports seed/hama.ndjson when the event store holds no user events. */
export async function seedIfEmpty(_app: INestApplication): Promise<void> {}
