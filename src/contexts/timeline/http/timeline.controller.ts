import { Controller, Get, Inject, Query as QueryString } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { parseAsAt } from '../../../infrastructure/projections/as-at.js';
import { validationError } from '../../../shared/domain/domain-error.js';
import type { TimelineFilter } from '../domain/timeline.js';
import { GetTimelineQuery } from '../queries/timeline.queries.js';
import type { TimelineItem } from '../queries/timeline.read-model.js';
import { TimelineQueryDto } from './dto/timeline.query.dto.js';
import { TimelineItemResponseDto } from './dto/timeline.response.dto.js';

/** The query's filter and asAt from a validated query string (shared with the explain endpoint). */
export function timelineQueryOf(query: TimelineQueryDto): GetTimelineQuery {
  if (query.from && query.to && query.from > query.to) throw validationError('TIMELINE.EMPTY_RANGE', 'to', 'must not be before from');
  const filter: TimelineFilter = {
    from: query.from,
    to: query.to,
    placeId: query.placeId,
    personId: query.personId,
    factionId: query.factionId,
    includeRetracted: query.includeRetracted === 'true',
  };
  return new GetTimelineQuery(filter, query.asAt === undefined ? undefined : (parseAsAt(query.asAt) ?? undefined));
}

@ApiTags('timeline')
@Controller('timeline')
export class TimelineController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @Get()
  @ApiOperation({
    summary: 'Every fact in valid-time order, corrections applied and their notices attached',
    description:
      'Ordered by effective date (the first day the occurred date covers), then by recording order. Retracted facts ' +
      'are left out unless includeRetracted=true. Two seizures of one place by different factions whose dates share a ' +
      'day ("2012-07" and "2012-07-15") are marked disputed, each listing the other in disputedWith, unless they start ' +
      "on different days and the later-starting one names the earlier one's faction as fromFactionId (it took the place " +
      'from them); so are facts of confidence "disputed". from/to keep the facts whose valid time overlaps the range.',
  })
  @ApiOkResponse({ type: [TimelineItemResponseDto] })
  timeline(@QueryString() query: TimelineQueryDto): Promise<TimelineItem[]> {
    return this.queries.execute(timelineQueryOf(query));
  }
}
