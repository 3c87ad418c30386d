import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../../infrastructure/projections/projections.module.js';
import { LeadershipController } from './http/leadership.controller.js';
import { LeadershipTermsProjection } from './projections/leadership-terms.projection.js';
import { LeadershipQueryHandlers } from './queries/leadership.queries.js';
import { OfficeTermsCache } from './queries/office-terms.cache.js';
import { LeadershipReadModel } from './queries/leadership.read-model.js';

/** Leadership: read side (terms projection, query handlers, query controller). */
@Module({
  imports: [ProjectionsModule.forFeature([LeadershipTermsProjection])],
  controllers: [LeadershipController],
  providers: [OfficeTermsCache, LeadershipReadModel, ...LeadershipQueryHandlers],
  exports: [LeadershipReadModel],
})
export class LeadershipReadModule {}
