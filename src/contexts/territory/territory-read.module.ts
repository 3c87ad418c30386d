import { Module } from '@nestjs/common';
import { ProjectionsModule } from '../../infrastructure/projections/projections.module.js';
import { TerritoryController } from './http/territory.controller.js';
import { TerritoryControlProjection } from './projections/territory-control.projection.js';
import { PlaceTimelineCache } from './queries/place-timeline.cache.js';
import { TerritoryQueryHandlers } from './queries/territory.queries.js';
import { TerritoryReadModel } from './queries/territory.read-model.js';

/** Territory: read side (territorial-control projection, query handlers, query controller). */
@Module({
  imports: [ProjectionsModule.forFeature([TerritoryControlProjection])],
  controllers: [TerritoryController],
  providers: [PlaceTimelineCache, TerritoryReadModel, ...TerritoryQueryHandlers],
  exports: [TerritoryReadModel],
})
export class TerritoryReadModule {}
