import { Inject, Injectable } from '@nestjs/common';
import { ProjectionRunner, type ProjectionRunnerApi } from '../../../infrastructure/projections/projection-runner.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import { READ_DB } from '../../../infrastructure/read-store/read-store.tokens.js';
import { notFound } from '../../../shared/domain/domain-error.js';
import { EventIndex, type EventIndexRow } from '../projections/event-index.projection.js';

/** How long a correction waits for the index to catch up with an event id it does not know yet. */
const CATCH_UP_MS = 3000;

/**
 * Finds the stream of an event id through the audit index (the client cannot read an event by id). An id the
 * index does not know yet may have just been appended: wait for the projections to reach the log's head once.
 */
@Injectable()
export class FactLocator {
  constructor(
    @Inject(READ_DB) private readonly db: ReadDb,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunnerApi,
  ) {}

  async locate(eventId: string): Promise<EventIndexRow> {
    const found = await EventIndex.find(this.db, eventId);
    if (found) return found;
    try {
      await this.runner.waitForHead({ timeoutMs: CATCH_UP_MS });
    } catch {
      // A slow or stopped projection: answer from what the index holds.
    }
    const again = await EventIndex.find(this.db, eventId);
    if (again) return again;
    throw notFound('CORRECTIONS.UNKNOWN_EVENT', `no event was recorded with id ${eventId}`, 'eventId');
  }
}
