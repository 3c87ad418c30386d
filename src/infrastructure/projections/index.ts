export * from './projection.js';
export { applyEvents, migrateProjection, resetProjection, keysOf } from './apply-events.js';
export { toProjectedEvent } from './projected-event.js';
export { ProjectionRegistry } from './projection-registry.js';
export * from './projection-runner.js';
export { ProjectionsModule } from './projections.module.js';
export * from './as-at.js';
