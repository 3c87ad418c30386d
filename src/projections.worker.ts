/**
 * Entry module of the projection worker thread (PROJECTIONS_THREAD=worker, the default): the app's projections,
 * run by serveProjectionsInThisThread. The API checks at start that these are exactly the projections its modules
 * register (ProjectionsModule.forFeature), so a projection added to a module and not here stops the app at boot.
 */
import 'reflect-metadata';
import { EventIndexProjection } from './contexts/audit/projections/event-index.projection.js';
import { LeadershipTermsProjection } from './contexts/leadership/projections/leadership-terms.projection.js';
import { TerritoryControlProjection } from './contexts/territory/projections/territory-control.projection.js';
import { TimelineFactsProjection } from './contexts/timeline/projections/timeline-facts.projection.js';
import { serveProjectionsInThisThread } from './infrastructure/projections/projection-thread.js';

void serveProjectionsInThisThread(() => [
  new TerritoryControlProjection(),
  new LeadershipTermsProjection(),
  new TimelineFactsProjection(),
  new EventIndexProjection(),
]);
