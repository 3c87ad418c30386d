import { Injectable } from '@nestjs/common';
import { earlierCorrections } from '../../../infrastructure/projections/amendments.js';
import { type AmendmentKeys, amendmentKeys, type ChangeKeys, eventOf, type ProjectedEvent, type Projection } from '../../../infrastructure/projections/projection.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import type { ReadExecutor, ReadTx } from '../../../infrastructure/read-store/read-store.js';
import { reusableQueryOn } from '../../../infrastructure/read-store/reusable-query.js';
import type { FactCorrectedData, FactRetractedData } from '../../../shared/domain/corrections.events.js';
import { computeControlIntervals, type ControlInterval } from '../domain/control.js';
import type { CitySeizedData, FactionRegisteredData, PlaceRegisteredData } from '../domain/territory.events.js';
import { loadSeizures } from './territory-facts.js';
import { type IntervalRow, migrateTerritoryTables, type PlaceRow, TerritoryTables } from './territory.tables.js';

const bool = (value: boolean) => (value ? 1 : 0);

/**
 * What a seizure concerns, for the live feed's filters: its place, the faction that took it and the one it was taken
 * from. The keys of CitySeized, and of each version of the seizure an amendment of one concerns (AmendmentKeys, as
 * the live feed's catch-up from the log computes them; a correction cannot move a seizure to another place).
 */
function seizureKeys(seizure: { placeId: string; factionId?: unknown; fromFactionId?: unknown }): ChangeKeys {
  return {
    placeId: seizure.placeId,
    ...(typeof seizure.factionId === 'string' && { factionId: seizure.factionId }),
    ...(typeof seizure.fromFactionId === 'string' && { fromFactionId: seizure.fromFactionId }),
  };
}

export function intervalToRow(placeId: string, seq: number, interval: ControlInterval): IntervalRow {
  return {
    place_id: placeId,
    seq,
    controller: interval.controller,
    from_date: interval.from,
    to_date: interval.to,
    disputed: bool(interval.disputed),
    contenders: JSON.stringify(interval.contenders),
    source_event_ids: JSON.stringify(interval.sourceEventIds),
    approximate: bool(interval.approximate),
    inferred: bool(interval.inferred),
  };
}

/** The columns of a stored interval that make up a ControlInterval (a query may leave out place_id and seq). */
export type StoredInterval = Omit<IntervalRow, 'place_id' | 'seq'>;

/** The one decoding of a stored interval row: 0/1 flags and JSON id lists. */
export function rowToInterval(row: StoredInterval): ControlInterval {
  return {
    controller: row.controller,
    from: row.from_date,
    to: row.to_date,
    disputed: Number(row.disputed) === 1,
    contenders: JSON.parse(row.contenders) as string[],
    sourceEventIds: JSON.parse(row.source_event_ids) as string[],
    approximate: Number(row.approximate) === 1,
    inferred: Number(row.inferred) === 1,
  };
}

const SEIZURE_COLUMNS = [
  'event_id',
  'place_id',
  'faction_id',
  'from_faction_id',
  'occurred_date',
  'precision',
  'confidence',
  'sources',
  'summary',
  'recorded_position',
  'recorded_at',
] as const;

/** One row per seizure, compiled once: a redelivered event (same id) changes nothing. */
const insertSeizure = reusableQueryOn(SEIZURE_COLUMNS, (db, row) =>
  db.insertInto(TerritoryTables.seizures).values(row).onConflict((oc) => oc.column('event_id').doNothing()),
);

const sameRow = (a: IntervalRow, b: IntervalRow) =>
  a.controller === b.controller &&
  a.from_date === b.from_date &&
  a.to_date === b.to_date &&
  Number(a.disputed) === b.disputed &&
  a.contenders === b.contenders &&
  a.source_event_ids === b.source_event_ids &&
  Number(a.approximate) === b.approximate &&
  Number(a.inferred) === b.inferred;

/**
 * Territorial control: stores places, factions and every seizure fact (with its corrections), and keeps each
 * place's control timeline recomputed from its facts by computeControlIntervals. Recomputing from facts keyed by
 * event id makes every handler idempotent and puts late reports in valid-time order.
 */
@Injectable()
export class TerritoryControlProjection implements Projection {
  readonly name = 'territory.control.v1';
  readonly eventTypes = ['PlaceRegistered', 'FactionRegistered', 'CitySeized', 'FactCorrected', 'FactRetracted'] as const;
  readonly tables = Object.values(TerritoryTables);

  /** Places whose facts changed in a transaction: their timelines are recomputed once, in flush(). */
  private readonly dirty = new WeakMap<ReadTx, Set<string>>();

  migrate(db: ReadDb): Promise<void> {
    return migrateTerritoryTables(db);
  }

  async flush(tx: ReadTx): Promise<void> {
    const places = this.dirty.get(tx);
    if (!places) return;
    this.dirty.delete(tx);
    await recomputePlaces(tx, [...places].sort());
  }

  private touch(tx: ReadTx, placeId: string): void {
    const places = this.dirty.get(tx) ?? new Set<string>();
    places.add(placeId);
    this.dirty.set(tx, places);
  }

  async handle(event: ProjectedEvent, tx: ReadTx): Promise<ChangeKeys | AmendmentKeys | false | void> {
    switch (event.type) {
      case 'PlaceRegistered':
        return this.placeRegistered(eventOf<PlaceRegisteredData>(event), tx);
      case 'FactionRegistered':
        return this.factionRegistered(eventOf<FactionRegisteredData>(event), tx);
      case 'CitySeized':
        return this.citySeized(eventOf<CitySeizedData>(event), tx);
      case 'FactCorrected':
      case 'FactRetracted':
        return this.amended(eventOf<FactCorrectedData | FactRetractedData>(event), tx);
      default:
        return false;
    }
  }

  private async placeRegistered({ id, data, position, recordedAt }: ProjectedEvent<PlaceRegisteredData>, tx: ReadTx) {
    if (typeof data.placeId !== 'string') return false;
    const values = {
      name: String(data.name ?? data.placeId),
      country: String(data.country ?? ''),
      kind: data.kind ?? null,
      lat: data.coordinates?.lat ?? null,
      lon: data.coordinates?.lon ?? null,
      event_id: id,
      recorded_position: position,
      recorded_at: recordedAt,
    };
    await tx
      .insertInto(TerritoryTables.places)
      .values({ place_id: data.placeId, ...values })
      .onConflict((oc) => oc.column('place_id').doUpdateSet(values))
      .execute();
    return { placeId: data.placeId };
  }

  private async factionRegistered({ data, position }: ProjectedEvent<FactionRegisteredData>, tx: ReadTx) {
    if (typeof data.factionId !== 'string') return false;
    const values = { name: String(data.name ?? data.factionId), aliases: JSON.stringify(data.aliases ?? []), recorded_position: position };
    await tx
      .insertInto(TerritoryTables.factions)
      .values({ faction_id: data.factionId, ...values })
      .onConflict((oc) => oc.column('faction_id').doUpdateSet(values))
      .execute();
    return { factionId: data.factionId };
  }

  private async citySeized({ id, data, position, recordedAt }: ProjectedEvent<CitySeizedData>, tx: ReadTx) {
    if (typeof data.placeId !== 'string' || typeof data.factionId !== 'string' || !data.occurred) return false;
    await tx.executeQuery(
      insertSeizure(tx, {
        event_id: id,
        place_id: data.placeId,
        faction_id: data.factionId,
        from_faction_id: data.fromFactionId ?? null,
        occurred_date: String(data.occurred.date),
        precision: String(data.occurred.precision),
        confidence: data.confidence ?? null,
        sources: JSON.stringify(data.sources ?? []),
        summary: data.summary ?? null,
        recorded_position: position,
        recorded_at: recordedAt,
      }),
    );
    this.touch(tx, data.placeId);
    return seizureKeys(data);
  }

  private async amended(event: ProjectedEvent<FactCorrectedData | FactRetractedData>, tx: ReadTx) {
    const target = event.data.eventId;
    if (typeof target !== 'string') return false;
    const place = await tx
      .selectFrom(TerritoryTables.places)
      .select(['place_id'])
      .where('event_id', '=', target)
      .executeTakeFirst();
    if (place && event.type === 'FactCorrected') return this.placeCorrected(place.place_id, (event.data as FactCorrectedData).changes, tx);
    const seizure = await tx
      .selectFrom(TerritoryTables.seizures)
      .select(['place_id', 'faction_id', 'from_faction_id'])
      .where('event_id', '=', target)
      .executeTakeFirst();
    if (!seizure) return false; // aimed at a fact this model does not hold
    await tx
      .insertInto(TerritoryTables.amendments)
      .values({
        event_id: event.id,
        target_event_id: target,
        place_id: seizure.place_id,
        kind: event.type === 'FactRetracted' ? 'retracted' : 'corrected',
        changes: event.type === 'FactCorrected' ? JSON.stringify((event.data as FactCorrectedData).changes ?? {}) : null,
        reason: event.data.reason ?? null,
        notice: event.data.notice ?? null,
        recorded_position: event.position,
        recorded_at: event.recordedAt,
      })
      .onConflict((oc) => oc.column('event_id').doNothing())
      .execute();
    this.touch(tx, seizure.place_id);
    // The seizure as recorded, then as each earlier correction of it (stored here, in log order) left it.
    const earlier = await earlierCorrections(tx, TerritoryTables.amendments, target, event.position, { column: 'place_id', value: seizure.place_id });
    const recorded = { placeId: seizure.place_id, factionId: seizure.faction_id, fromFactionId: seizure.from_faction_id };
    const changes = event.type === 'FactCorrected' ? (event.data as FactCorrectedData).changes : undefined;
    return amendmentKeys(recorded, earlier, changes, (fact) =>
      seizureKeys({ ...fact, placeId: seizure.place_id }),
    );
  }

  /** A corrected registration (name, country, kind, coordinates) is applied in place. */
  private async placeCorrected(placeId: string, changes: Record<string, unknown> | undefined, tx: ReadTx) {
    const set: Partial<PlaceRow> = {};
    if (typeof changes?.name === 'string') set.name = changes.name;
    if (typeof changes?.country === 'string') set.country = changes.country;
    if (typeof changes?.kind === 'string') set.kind = changes.kind;
    const coordinates = changes?.coordinates as { lat?: unknown; lon?: unknown } | null | undefined;
    if (coordinates === null) Object.assign(set, { lat: null, lon: null });
    else if (typeof coordinates?.lat === 'number' && typeof coordinates?.lon === 'number') {
      Object.assign(set, { lat: coordinates.lat, lon: coordinates.lon });
    }
    if (Object.keys(set).length === 0) return false;
    await tx.updateTable(TerritoryTables.places).set(set).where('place_id', '=', placeId).execute();
    return { placeId };
  }
}

/** Rewrites the stored timeline of one place from its facts. */
export function recomputePlace(tx: ReadExecutor, placeId: string): Promise<void> {
  return recomputePlaces(tx, [placeId]);
}

const CHUNK = 400;

/**
 * Rewrites the stored timelines of several places from their facts with a handful of statements whatever their
 * number (one read of the facts, one of the stored intervals, one delete, chunked inserts): per place, the rows from
 * the first one that differs are replaced, so an in-order report rewrites the last interval and adds one.
 */
export async function recomputePlaces(tx: ReadExecutor, placeIds: readonly string[]): Promise<void> {
  for (let i = 0; i < placeIds.length; i += CHUNK) {
    const chunk = placeIds.slice(i, i + CHUNK);
    const facts = await loadSeizures(tx, chunk);
    const existing = (await tx.selectFrom(TerritoryTables.intervals).selectAll().where('place_id', 'in', chunk).execute()) as IntervalRow[];
    const factsByPlace = groupBy(facts, (fact) => fact.placeId);
    const rowsByPlace = groupBy(existing, (row) => row.place_id);
    const stale: Array<{ placeId: string; fromSeq: number }> = [];
    const inserts: IntervalRow[] = [];
    for (const placeId of chunk) {
      const next = computeControlIntervals(factsByPlace.get(placeId) ?? []).map((interval, seq) => intervalToRow(placeId, seq, interval));
      const old = (rowsByPlace.get(placeId) ?? []).sort((a, b) => Number(a.seq) - Number(b.seq));
      let same = 0;
      while (same < next.length && same < old.length && Number(old[same].seq) === same && sameRow(old[same], next[same])) same++;
      if (same === next.length && same === old.length) continue;
      if (old.length > same) stale.push({ placeId, fromSeq: same });
      inserts.push(...next.slice(same));
    }
    if (stale.length > 0) {
      await tx
        .deleteFrom(TerritoryTables.intervals)
        .where((eb) => eb.or(stale.map(({ placeId, fromSeq }) => eb.and([eb('place_id', '=', placeId), eb('seq', '>=', fromSeq)]))))
        .execute();
    }
    for (let j = 0; j < inserts.length; j += CHUNK) {
      await tx.insertInto(TerritoryTables.intervals).values(inserts.slice(j, j + CHUNK)).execute();
    }
  }
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}
