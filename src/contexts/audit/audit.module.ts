import { Module } from '@nestjs/common';
import { IdempotencyKeyIndex } from '../../infrastructure/event-store/idempotency-keys.js';
import { ProjectionsModule } from '../../infrastructure/projections/projections.module.js';
import { CorrectFactHandler, RetractFactHandler } from './application/correct-fact.handler.js';
import { FactLocator } from './application/fact-locator.js';
import { AuditIdempotencyKeyIndex } from './application/idempotency-key-index.js';
import { AuditController } from './http/audit.controller.js';
import { CorrectionsAdminController } from './http/corrections.admin.controller.js';
import { EventIndexProjection } from './projections/event-index.projection.js';
import { CorrelationHandler } from './queries/correlation.query.js';
import { StreamHistoryHandler } from './queries/stream-history.query.js';

/**
 * Audit: the log itself, as recorded, for auditors (stream and correlation histories), the index of where each
 * event lives, and the commands that amend the record (CorrectFact, RetractFact: found through that index).
 */
@Module({
  imports: [ProjectionsModule.forFeature([EventIndexProjection])],
  controllers: [AuditController, CorrectionsAdminController],
  providers: [
    StreamHistoryHandler,
    CorrelationHandler,
    FactLocator,
    CorrectFactHandler,
    RetractFactHandler,
    // Lets CommandStore refuse an Idempotency-Key first used on another stream.
    { provide: IdempotencyKeyIndex, useClass: AuditIdempotencyKeyIndex },
  ],
})
export class AuditModule {}
