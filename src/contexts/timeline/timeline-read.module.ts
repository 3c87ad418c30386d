import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../../infrastructure/projections/projections.module.js';
import { TimelineController } from './http/timeline.controller.js';
import { TimelineFactsProjection } from './projections/timeline-facts.projection.js';
import { TimelineQueryHandlers } from './queries/timeline.queries.js';
import { TimelineReadModel } from './queries/timeline.read-model.js';

/** Timeline: every fact in valid-time order (projection timeline.facts.v1, GET /timeline, live feed /live/timeline). */
@Module({
  imports: [ProjectionsModule.forFeature([TimelineFactsProjection])],
  controllers: [TimelineController],
  providers: [TimelineReadModel, ...TimelineQueryHandlers],
  exports: [TimelineReadModel],
})
export class TimelineReadModule {}
