import { Inject, Optional } from '@nestjs/common';
import { Query, QueryHandler, type IQueryHandler } from '@nestjs/cqrs';
import { type AsAt, describeAsAt, todayUtc } from '../../../infrastructure/projections/as-at.js';
import { Clock } from '../../../shared/domain/clock.js';
import { notFound } from '../../../shared/domain/domain-error.js';
import type { ControlInterval } from '../domain/control.js';
import { type ControlFeatureCollection, toFeatureCollection } from './control-geojson.js';
import { type ControlPeriod, type MapEntry, type PlaceControl, TerritoryReadModel, toControl, toPeriod } from './territory.read-model.js';

export class GetPlaceControlQuery extends Query<PlaceControl> {
  constructor(
    readonly placeId: string,
    /** YYYY-MM-DD; default today. */
    readonly asOf?: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

export class GetPlaceHistoryQuery extends Query<ControlPeriod[]> {
  constructor(
    readonly placeId: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

export class GetControlMapQuery extends Query<MapEntry[]> {
  constructor(
    readonly asOf?: string,
    readonly factionId?: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

/** The same places as GetControlMapQuery, as GeoJSON (only those with coordinates). */
export class GetControlGeoJsonQuery extends Query<ControlFeatureCollection> {
  constructor(
    readonly asOf?: string,
    readonly factionId?: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

const unknownPlace = (placeId: string, asAt?: AsAt) =>
  notFound('TERRITORY.UNKNOWN_PLACE', `no place "${placeId}" is known${asAt ? ` as known at ${describeAsAt(asAt)}` : ''}`, 'placeId');

abstract class TerritoryQueryHandler {
  constructor(
    protected readonly model: TerritoryReadModel,
    private readonly clock?: Clock,
  ) {}

  protected today(): string {
    return todayUtc(this.clock?.now());
  }

  /**
   * The place's timeline, 404 for an unknown place: the stored one (from memory when PlaceTimelineCache is on), or as
   * known at `asAt` (a place registered later is unknown as known at asAt, as the map leaves it out).
   */
  protected async intervalsOf(placeId: string, asAt: AsAt | undefined): Promise<readonly ControlInterval[]> {
    if (asAt === undefined) {
      const place = await this.model.storedPlace(placeId);
      if (!place.known) throw unknownPlace(placeId);
      return place.intervals;
    }
    if (!(await this.model.placeKnownAt(placeId, asAt))) throw unknownPlace(placeId, asAt);
    return this.model.intervals(placeId, asAt);
  }
}

@QueryHandler(GetPlaceControlQuery)
export class GetPlaceControlHandler extends TerritoryQueryHandler implements IQueryHandler<GetPlaceControlQuery> {
  constructor(@Inject(TerritoryReadModel) model: TerritoryReadModel, @Optional() @Inject(Clock) clock?: Clock) {
    super(model, clock);
  }

  async execute({ placeId, asOf, asAt }: GetPlaceControlQuery): Promise<PlaceControl> {
    return toControl(placeId, await this.intervalsOf(placeId, asAt), asOf ?? this.today());
  }
}

@QueryHandler(GetPlaceHistoryQuery)
export class GetPlaceHistoryHandler extends TerritoryQueryHandler implements IQueryHandler<GetPlaceHistoryQuery> {
  constructor(@Inject(TerritoryReadModel) model: TerritoryReadModel, @Optional() @Inject(Clock) clock?: Clock) {
    super(model, clock);
  }

  async execute({ placeId, asAt }: GetPlaceHistoryQuery): Promise<ControlPeriod[]> {
    return (await this.intervalsOf(placeId, asAt)).map(toPeriod);
  }
}

@QueryHandler(GetControlMapQuery)
export class GetControlMapHandler extends TerritoryQueryHandler implements IQueryHandler<GetControlMapQuery> {
  constructor(@Inject(TerritoryReadModel) model: TerritoryReadModel, @Optional() @Inject(Clock) clock?: Clock) {
    super(model, clock);
  }

  execute({ asOf, factionId, asAt }: GetControlMapQuery): Promise<MapEntry[]> {
    return this.model.controlOfAll(asOf ?? this.today(), { factionId, asAt });
  }
}

@QueryHandler(GetControlGeoJsonQuery)
export class GetControlGeoJsonHandler extends TerritoryQueryHandler implements IQueryHandler<GetControlGeoJsonQuery> {
  constructor(@Inject(TerritoryReadModel) model: TerritoryReadModel, @Optional() @Inject(Clock) clock?: Clock) {
    super(model, clock);
  }

  async execute({ asOf, factionId, asAt }: GetControlGeoJsonQuery): Promise<ControlFeatureCollection> {
    return toFeatureCollection(await this.model.controlOfAll(asOf ?? this.today(), { factionId, asAt }));
  }
}

export const TerritoryQueryHandlers = [GetPlaceControlHandler, GetPlaceHistoryHandler, GetControlMapHandler, GetControlGeoJsonHandler];
