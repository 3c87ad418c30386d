/** What other contexts may use of the timeline: its query and the answer's types. */
export { GetTimelineQuery } from './queries/timeline.queries.js';
export type { TimelineItem, AmendmentNotice } from './queries/timeline.read-model.js';
export type { TimelineFilter } from './domain/timeline.js';
export { TimelineQueryDto } from './http/dto/timeline.query.dto.js';
export { timelineQueryOf } from './http/timeline.controller.js';
