import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../../infrastructure/projections/projections.module.js';
import { CorrectFactHandler, RetractFactHandler } from './application/correct-fact.handler.js';
import { FactLocator } from './application/fact-locator.js';
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
  providers: [StreamHistoryHandler, CorrelationHandler, FactLocator, CorrectFactHandler, RetractFactHandler],
})
export class AuditModule {}
