import { Controller, Get, Inject, Param, Query as QueryString } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type AsAt, parseAsAt } from '../../../infrastructure/projections/as-at.js';
import { StreamNames } from '../../../shared/domain/stream-names.js';
import { GetOfficeHolderQuery, GetOfficeTermsQuery, GetPersonTermsQuery, type OfficeHolder, type PersonTermView, type TermView } from '../../leadership/index.js';
import type { AuditedEvent } from '../../audit/index.js';
import {
  type ControlFeatureCollection,
  type ControlPeriod,
  GetControlGeoJsonQuery,
  GetControlMapQuery,
  GetPlaceControlQuery,
  GetPlaceHistoryQuery,
  type MapEntry,
  type PlaceControl,
} from '../../territory/index.js';
import { type TimelineItem, TimelineQueryDto, timelineQueryOf } from '../../timeline/index.js';
import { EventsBehind, type Explanation, vacancyCitations } from '../application/explain.js';
import { ExplainAsAtQueryDto, ExplainAsOfQueryDto, ExplainMapQueryDto } from './dto/explain.query.dto.js';

const asAtOf = (value: string | undefined): AsAt | undefined => (value === undefined ? undefined : (parseAsAt(value) ?? undefined));

const EXPLAINED =
  '`answer` is the body the query endpoint returns for the same parameters; `events` are the raw events (as ' +
  'GET /admin/audit/streams/:streamName shows them) it was computed from: the facts it cites, the facts retracted ' +
  'about what it is about (which it leaves out), and the corrections and retractions of them recorded by asAt, in ' +
  'log order.';

const MAP_RETRACTIONS =
  "Retracted: the seizures retracted at each listed place and, with factionId, that faction's retracted seizures " +
  'anywhere the map shows places.';

const TERM_FACTS = ['OfficeAssumed', 'OfficeLeft'] as const;

@ApiTags('audit')
@Controller('admin/audit/explain')
export class ExplainController {
  constructor(
    @Inject(QueryBus) private readonly queries: QueryBus,
    @Inject(EventsBehind) private readonly events: EventsBehind,
  ) {}

  @Get('territory/places/:placeId/control')
  @ApiOperation({ summary: 'Explain GET /territory/places/:placeId/control (retracted seizures of the place included, with their retraction)', description: EXPLAINED })
  @ApiParam({ name: 'placeId', example: 'hama' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async control(@Param('placeId') placeId: string, @QueryString() query: ExplainAsOfQueryDto): Promise<Explanation<PlaceControl>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetPlaceControlQuery(placeId, query.asOf, asAt));
    const place = [StreamNames.place(placeId)];
    return { answer, events: await this.events.of(place, answer.sourceEventIds, { asAt, retractionsIn: place }) };
  }

  @Get('territory/places/:placeId/history')
  @ApiOperation({ summary: 'Explain GET /territory/places/:placeId/history (retracted seizures of the place included, with their retraction)', description: EXPLAINED })
  @ApiParam({ name: 'placeId', example: 'hama' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async history(@Param('placeId') placeId: string, @QueryString() query: ExplainAsAtQueryDto): Promise<Explanation<ControlPeriod[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetPlaceHistoryQuery(placeId, asAt));
    const place = [StreamNames.place(placeId)];
    return { answer, events: await this.events.of(place, answer.flatMap((period) => period.sourceEventIds), { asAt, retractionsIn: place }) };
  }

  @Get('territory/control')
  @ApiOperation({ summary: 'Explain GET /territory/control (the controller of every place on a day)', description: `${EXPLAINED} ${MAP_RETRACTIONS}` })
  @ApiOkResponse({ description: '{ answer, events }' })
  async map(@QueryString() query: ExplainMapQueryDto): Promise<Explanation<MapEntry[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetControlMapQuery(query.asOf, query.factionId, asAt));
    return { answer, events: await this.mapEvents(answer, query.factionId, asAt) };
  }

  @Get('territory/control.geojson')
  @ApiOperation({ summary: 'Explain GET /territory/control.geojson (the map as GeoJSON: the places with coordinates)', description: `${EXPLAINED} ${MAP_RETRACTIONS}` })
  @ApiOkResponse({ description: '{ answer, events }' })
  async geojson(@QueryString() query: ExplainMapQueryDto): Promise<Explanation<ControlFeatureCollection>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetControlGeoJsonQuery(query.asOf, query.factionId, asAt));
    const entries = answer.features.map((feature) => feature.properties);
    // A retracted seizure elsewhere only changed this answer where the place is on the GeoJSON map at all.
    const mappable = async () =>
      new Set((await this.queries.execute(new GetControlGeoJsonQuery(query.asOf, undefined, asAt))).features.map((feature) => StreamNames.place(feature.id)));
    return { answer, events: await this.mapEvents(entries, query.factionId, asAt, mappable) };
  }

  @Get('leadership/offices/:officeId/holder')
  @ApiOperation({ summary: 'Explain GET /leadership/offices/:officeId/holder (a vacancy: the term that ended; retracted term facts of the office included)', description: EXPLAINED })
  @ApiParam({ name: 'officeId', example: 'president-of-syria' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async holder(@Param('officeId') officeId: string, @QueryString() query: ExplainAsOfQueryDto): Promise<Explanation<OfficeHolder>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetOfficeHolderQuery(officeId, query.asOf, asAt));
    const vacant = answer.holder === null && answer.since !== null;
    const vacancy = vacant ? vacancyCitations(answer, await this.queries.execute(new GetOfficeTermsQuery(officeId, asAt))) : [];
    const office = [StreamNames.office(officeId)];
    return { answer, events: await this.events.of(office, [...answer.sourceEventIds, ...vacancy], { asAt, retractionsIn: office }) };
  }

  @Get('leadership/offices/:officeId/terms')
  @ApiOperation({ summary: 'Explain GET /leadership/offices/:officeId/terms (retracted term facts of the office included, with their retraction)', description: EXPLAINED })
  @ApiParam({ name: 'officeId', example: 'president-of-syria' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async terms(@Param('officeId') officeId: string, @QueryString() query: ExplainAsAtQueryDto): Promise<Explanation<TermView[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetOfficeTermsQuery(officeId, asAt));
    const office = [StreamNames.office(officeId)];
    return { answer, events: await this.events.of(office, answer.flatMap((term) => term.sourceEventIds), { asAt, retractionsIn: office }) };
  }

  @Get('leadership/people/:personId/terms')
  @ApiOperation({
    summary: 'Explain GET /leadership/people/:personId/terms (retracted term facts of the offices and of the person included, with their retraction)',
    description: EXPLAINED,
  })
  @ApiParam({ name: 'personId', example: 'bashar-al-assad' })
  @ApiOkResponse({ description: '{ answer, events }' })
  async personTerms(@Param('personId') personId: string, @QueryString() query: ExplainAsAtQueryDto): Promise<Explanation<PersonTermView[]>> {
    const asAt = asAtOf(query.asAt);
    const answer = await this.queries.execute(new GetPersonTermsQuery(personId, asAt));
    const offices = answer.map((term) => StreamNames.office(term.officeId));
    // A retracted term of theirs may have been the only one in its office, which the answer then no longer names.
    const retracted = await this.events.retractedAbout({ personId }, TERM_FACTS, asAt);
    const cited = [...answer.flatMap((term) => term.sourceEventIds), ...retracted.map((item) => item.eventId)];
    return { answer, events: await this.events.of([...offices, ...retracted.map((item) => item.streamName)], cited, { asAt, retractionsIn: offices }) };
  }

  @Get('timeline')
  @ApiOperation({ summary: 'Explain GET /timeline (same filters; the retracted facts the filters match included, with their retraction)', description: EXPLAINED })
  @ApiOkResponse({ description: '{ answer, events }' })
  async timeline(@QueryString() query: TimelineQueryDto): Promise<Explanation<TimelineItem[]>> {
    const request = timelineQueryOf(query);
    const answer = await this.queries.execute(request);
    // With includeRetracted the answer already lists (and so cites) them.
    const retracted = request.filter.includeRetracted ? [] : await this.events.retractedAbout(request.filter, 'any', request.asAt);
    const items = [...answer, ...retracted];
    return { answer, events: await this.events.of(items.map((item) => item.streamName), items.map((item) => item.eventId), { asAt: request.asAt }) };
  }

  /**
   * The events behind a control map: each listed place's cited seizures and the seizures retracted there; with a
   * faction filter, also that faction's retracted seizures at places the map shows at all (the streams `mappable`
   * resolves to; every place when absent), which may be what took a place off its map.
   */
  private async mapEvents(
    entries: readonly PlaceControl[],
    factionId: string | undefined,
    asAt: AsAt | undefined,
    mappable?: () => Promise<ReadonlySet<string>>,
  ): Promise<AuditedEvent[]> {
    const places = entries.map((entry) => StreamNames.place(entry.placeId));
    const cited = entries.flatMap((entry) => entry.sourceEventIds);
    if (factionId !== undefined) {
      const retracted = await this.events.retractedAbout({ factionId }, ['CitySeized'], asAt);
      const shown = mappable && retracted.length > 0 ? await mappable() : undefined;
      const elsewhere = retracted.filter((item) => !shown || shown.has(item.streamName));
      return this.events.of([...places, ...elsewhere.map((item) => item.streamName)], [...cited, ...elsewhere.map((item) => item.eventId)], { asAt, retractionsIn: places });
    }
    return this.events.of(places, cited, { asAt, retractionsIn: places });
  }
}
