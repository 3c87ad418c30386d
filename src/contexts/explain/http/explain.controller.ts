import { Controller, Get, Inject, Param, Query as QueryString } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type AsAt, parseAsAt } from '../../../infrastructure/projections/as-at.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { GetOfficeHolderQuery, GetOfficeTermsQuery, GetPersonTermsQuery, type OfficeHolder, type PersonTermView, type TermView } from '../../leadership/index.js';
import { type ControlPeriod, GetControlMapQuery, GetPlaceControlQuery, GetPlaceHistoryQuery, type MapEntry, type PlaceControl } from '../../territory/index.js';
import { type TimelineItem, TimelineQueryDto, timelineQueryOf } from '../../timeline/index.js';
import { EventsBehind, type Explanation } from '../application/explain.js';
import { ExplainAsAtQueryDto, ExplainAsOfQueryDto, ExplainMapQueryDto } from './dto/explain.query.dto.js';

const asAtOf = (value: string | undefined): AsAt | undefined => (value === undefined ? undefined : (parseAsAt(value) ?? undefined));

const EXPLAINED =
  '`answer` is the body the query endpoint returns for the same parameters; `events` are the raw events (as ' +
  'GET /admin/audit/streams/:streamName shows them) it was computed from: the facts it cites, and the corrections ' +
  'and retractions of them recorded by asAt, in log order.';

@ApiTags('audit')
@Controller('admin/audit/explain')
export class ExplainController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(EventsBehind) private readonly events: EventsBehind,
  ) {}

  @Get('territory/places/:placeId/control')
  @ApiOperation({ summary: 'Explain GET /territory/places/:placeId/control', description: EXPLAINED })
  @ApiParam({ name: 'placeId', example: 'hama' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async control(@Param('placeId') placeId: string, @QueryString() query: ExplainAsOfQueryDto): Promise<Explanation<PlaceControl>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetPlaceControlQuery(placeId, query.asOf, asAt));
    return { answer, events: await this.events.of([StreamNames.place(placeId)], new Set(answer.sourceEventIds), { asAt }) };
  }

  @Get('territory/places/:placeId/history')
  @ApiOperation({ summary: 'Explain GET /territory/places/:placeId/history (retracted seizures included, with their retraction)', description: EXPLAINED })
  @ApiParam({ name: 'placeId', example: 'hama' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async history(@Param('placeId') placeId: string, @QueryString() query: ExplainAsAtQueryDto): Promise<Explanation<ControlPeriod[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetPlaceHistoryQuery(placeId, asAt));
    const cited = new Set(answer.flatMap((period) => period.sourceEventIds));
    return { answer, events: await this.events.of([StreamNames.place(placeId)], cited, { asAt, withRetractions: true }) };
  }

  @Get('territory/control')
  @ApiOperation({ summary: 'Explain GET /territory/control (the controller of every place on a day)', description: EXPLAINED })
  @ApiOkResponse({ description: '{ answer, events }' })
  async map(@QueryString() query: ExplainMapQueryDto): Promise<Explanation<MapEntry[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetControlMapQuery(query.asOf, query.factionId, asAt));
    const cited = new Set(answer.flatMap((entry) => entry.sourceEventIds));
    const streams = answer.filter((entry) => entry.sourceEventIds.length > 0).map((entry) => StreamNames.place(entry.placeId));
    return { answer, events: await this.events.of(streams, cited, { asAt }) };
  }

  @Get('leadership/offices/:officeId/holder')
  @ApiOperation({ summary: 'Explain GET /leadership/offices/:officeId/holder', description: EXPLAINED })
  @ApiParam({ name: 'officeId', example: 'president-of-syria' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async holder(@Param('officeId') officeId: string, @QueryString() query: ExplainAsOfQueryDto): Promise<Explanation<OfficeHolder>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetOfficeHolderQuery(officeId, query.asOf, asAt));
    return { answer, events: await this.events.of([StreamNames.office(officeId)], new Set(answer.sourceEventIds), { asAt }) };
  }

  @Get('leadership/offices/:officeId/terms')
  @ApiOperation({ summary: 'Explain GET /leadership/offices/:officeId/terms (retracted terms included, with their retraction)', description: EXPLAINED })
  @ApiParam({ name: 'officeId', example: 'president-of-syria' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async terms(@Param('officeId') officeId: string, @QueryString() query: ExplainAsAtQueryDto): Promise<Explanation<TermView[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetOfficeTermsQuery(officeId, asAt));
    const cited = new Set(answer.flatMap((term) => term.sourceEventIds));
    return { answer, events: await this.events.of([StreamNames.office(officeId)], cited, { asAt, withRetractions: true }) };
  }

  @Get('leadership/people/:personId/terms')
  @ApiOperation({ summary: 'Explain GET /leadership/people/:personId/terms', description: EXPLAINED })
  @ApiParam({ name: 'personId', example: 'bashar-al-assad' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async personTerms(@Param('personId') personId: string, @QueryString() query: ExplainAsAtQueryDto): Promise<Explanation<PersonTermView[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetPersonTermsQuery(personId, asAt));
    const cited = new Set(answer.flatMap((term) => term.sourceEventIds));
    return { answer, events: await this.events.of(answer.map((term) => StreamNames.office(term.officeId)), cited, { asAt }) };
  }

  @Get('timeline')
  @ApiOperation({ summary: 'Explain GET /timeline (same filters)', description: EXPLAINED })
  @ApiOkResponse({ description: '{ answer, events }' })
  async timeline(@QueryString() query: TimelineQueryDto): Promise<Explanation<TimelineItem[]>> {
    const request = timelineQueryOf(query);
    const answer = await this.queries.execute(request);
    const cited = new Set(answer.map((item) => item.eventId));
    return { answer, events: await this.events.of(answer.map((item) => item.streamName), cited, { asAt: request.asAt }) };
  }
}
