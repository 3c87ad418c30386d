import { Controller, Get, Header, Inject, Param } from '@nestjs/common';
import { Query as QueryString } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { RouteSchema } from '@nestjs/platform-fastify';
import { ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { type AsAt, parseAsAt } from '../../../infrastructure/projections/as-at.js';
import type { ControlFeatureCollection } from '../queries/control-geojson.js';
import { GetControlGeoJsonQuery, GetControlMapQuery, GetPlaceControlQuery, GetPlaceHistoryQuery } from '../queries/territory.queries.js';
import type { ControlPeriod, MapEntry, PlaceControl } from '../queries/territory.read-model.js';
import { ControlMapQueryDto } from './dto/control-map.query.dto.js';
import { PlaceControlQueryDto } from './dto/place-control.query.dto.js';
import { PlaceHistoryQueryDto } from './dto/place-history.query.dto.js';
import { ControlPeriodResponseDto, MapEntryResponseDto, PLACE_CONTROL_JSON_SCHEMA, PlaceControlResponseDto } from './dto/territory.response.dto.js';

/** Validated by the DTO before it gets here. */
const asAtOf = (value: string | undefined): AsAt | undefined => (value === undefined ? undefined : (parseAsAt(value) ?? undefined));

@ApiTags('territory')
@Controller('territory')
export class TerritoryController {
  constructor(@Inject(QueryBus) private readonly queries: QueryBus) {}

  @Get('places/:placeId/control')
  @ApiOperation({ summary: 'Who controlled a place on a day (asOf), as known at a time (asAt)' })
  @ApiParam({ name: 'placeId', example: 'hama' })
  @ApiOkResponse({ type: PlaceControlResponseDto })
  @RouteSchema({ response: { 200: PLACE_CONTROL_JSON_SCHEMA } })
  control(@Param('placeId') placeId: string, @QueryString() query: PlaceControlQueryDto): Promise<PlaceControl> {
    return this.queries.execute(new GetPlaceControlQuery(placeId, query.asOf, asAtOf(query.asAt)));
  }

  @Get('places/:placeId/history')
  @ApiOperation({ summary: "A place's control timeline in valid-time order (to is exclusive, null for the current interval)" })
  @ApiParam({ name: 'placeId', example: 'hama' })
  @ApiOkResponse({ type: [ControlPeriodResponseDto] })
  history(@Param('placeId') placeId: string, @QueryString() query: PlaceHistoryQueryDto): Promise<ControlPeriod[]> {
    return this.queries.execute(new GetPlaceHistoryQuery(placeId, asAtOf(query.asAt)));
  }

  @Get('control')
  @ApiOperation({ summary: 'The controller of every place on a day, optionally only the places a faction held' })
  @ApiOkResponse({ type: [MapEntryResponseDto] })
  map(@QueryString() query: ControlMapQueryDto): Promise<MapEntry[]> {
    return this.queries.execute(new GetControlMapQuery(query.asOf, query.factionId, asAtOf(query.asAt)));
  }

  @Get('control.geojson')
  @Header('content-type', 'application/geo+json')
  @ApiOperation({ summary: 'The same as GET /territory/control, as a GeoJSON FeatureCollection of the places with coordinates' })
  @ApiOkResponse({ description: 'GeoJSON FeatureCollection of Point features; properties carry the control answer.' })
  geojson(@QueryString() query: ControlMapQueryDto): Promise<ControlFeatureCollection> {
    return this.queries.execute(new GetControlGeoJsonQuery(query.asOf, query.factionId, asAtOf(query.asAt)));
  }
}
