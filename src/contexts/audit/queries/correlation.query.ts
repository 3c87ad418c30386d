import { type EventStoreDBClient, FORWARDS, StreamNotFoundError } from '@eventstore/db-client';
import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { EVENT_STORE_CLIENT } from '../../../infrastructure/event-store/event-store.module.js';
import { ProjectionRunner, type ProjectionRunnerApi } from '../../../infrastructure/projections/projection-runner.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import { READ_DB } from '../../../infrastructure/read-store/read-store.tokens.js';
import { notFound } from '../../../shared/domain/domain-error.js';
import { EventIndex, type EventIndexRow } from '../projections/event-index.projection.js';
import { type AuditedEvent, toAuditedEvent } from './stream-history.query.js';

export class CorrelationQuery extends Query<AuditedEvent[]> {
  constructor(readonly correlationId: string) {
    super();
  }
}

/**
 * Every event one request or import line caused, in log order: found through the audit index, then read raw from
 * their streams (the same shape as a stream's history). Unknown correlation ids are a 404 once the index has
 * caught up with the log.
 */
@QueryHandler(CorrelationQuery)
export class CorrelationHandler implements IQueryHandler<CorrelationQuery, AuditedEvent[]> {
  constructor(
    @Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient,
    @Inject(READ_DB) private readonly db: ReadDb,
    @Inject(ProjectionRunner) private readonly runner: ProjectionRunnerApi,
  ) {}

  async execute({ correlationId }: CorrelationQuery): Promise<AuditedEvent[]> {
    // The index is a projection: let it apply the whole log as it is now, so that an answer is never missing events
    // a command already acknowledged (a slow or stopped index still answers with what it holds after 3 s).
    await this.runner.waitForHead({ timeoutMs: 3000 }).catch(() => undefined);
    const rows = await EventIndex.byCorrelation(this.db, correlationId);
    if (rows.length === 0) throw notFound('AUDIT.UNKNOWN_CORRELATION', `no event was recorded with correlation id ${correlationId}`, 'correlationId');
    const events = await Promise.all(rows.map((row) => this.read(row)));
    return events.filter((event): event is AuditedEvent => event !== undefined);
  }

  /** One event, read at its revision (maxCount 1 reads to the end: no abandoned read). */
  private async read(row: EventIndexRow): Promise<AuditedEvent | undefined> {
    let found: AuditedEvent | undefined;
    try {
      for await (const resolved of this.client.readStream(row.stream_name, { direction: FORWARDS, fromRevision: BigInt(row.revision), maxCount: 1 })) {
        const audited = toAuditedEvent(resolved);
        if (audited?.eventId === row.event_id) found = audited;
      }
    } catch (error) {
      if (!(error instanceof StreamNotFoundError)) throw error;
    }
    return found;
  }
}
