import { Inject, Injectable } from '@nestjs/common';
import { IdempotencyKeyIndex } from '../../../infrastructure/event-store/idempotency-keys.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import { READ_DB } from '../../../infrastructure/read-store/read-store.tokens.js';
import { EventIndex } from '../projections/event-index.projection.js';

/** The audit index answers where a key was first used, so CommandStore can refuse it on another stream. */
@Injectable()
export class AuditIdempotencyKeyIndex extends IdempotencyKeyIndex {
  constructor(@Inject(READ_DB) private readonly db: ReadDb) {
    super();
  }

  streamOf(idempotencyKey: string): Promise<string | undefined> {
    return EventIndex.streamOfKey(this.db, idempotencyKey);
  }
}
