import { Inject } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import type { AsAt } from '../../../infrastructure/projections/as-at.js';
import type { TimelineFilter } from '../domain/timeline.js';
import { type TimelineItem, TimelineReadModel } from './timeline.read-model.js';

export class GetTimelineQuery extends Query<TimelineItem[]> {
  constructor(
    readonly filter: TimelineFilter = {},
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

@QueryHandler(GetTimelineQuery)
export class GetTimelineHandler implements IQueryHandler<GetTimelineQuery> {
  constructor(@Inject(TimelineReadModel) private readonly model: TimelineReadModel) {}

  execute({ filter, asAt }: GetTimelineQuery): Promise<TimelineItem[]> {
    return this.model.timeline(filter, asAt);
  }
}

export const TimelineQueryHandlers = [GetTimelineHandler];
