import { amendedVersions } from '../../shared/domain/corrections.js';
import type { ReadDb, ReadStoreDialect } from '../read-store/read-store.factory.js';
import type { ReadTx } from '../read-store/read-store.js';

/** Metadata every Dateline event carries (shared/domain/event-metadata.ts), parsed leniently: foreign events may lack it. */
export interface ProjectedEventMetadata {
  actor?: string;
  correlationId?: string;
  causationId?: string;
  recordedAt?: string;
  commandType?: string;
  idempotencyKey?: string;
  [key: string]: unknown;
}

/** Where an event sits in the `$all` log. `commit` orders the log; `prepare` breaks ties inside one commit. */
export interface LogPosition {
  commit: bigint;
  prepare: bigint;
}

/** An event as delivered to projection handlers. */
export interface ProjectedEvent<Data extends object = Record<string, unknown>> {
  id: string;
  type: string;
  streamName: string;
  revision: bigint;
  /** Commit position in `$all`. */
  position: bigint;
  preparePosition: bigint;
  data: Data;
  metadata: ProjectedEventMetadata;
  /** Recorded time (ISO 8601, normalised): metadata.recordedAt, else the store's own timestamp. */
  recordedAt: string;
}

/** What a read-model change concerns; live SSE endpoints filter on these. */
export interface ChangeKeys {
  placeId?: string;
  officeId?: string;
  personId?: string;
  factionId?: string;
  /** The faction a seizure took the place from: it concerns that faction too, so a factionId filter matches it. */
  fromFactionId?: string;
}

/**
 * What an amendment (FactCorrected, FactRetracted) changed, folding the chain of amendments of its fact: `keys` are
 * those of the fact as this amendment leaves it (the recorded fact with every earlier correction's `changes` and then
 * this amendment's applied, in log order), `before` those of the fact as it stood just before this amendment, and
 * `recorded` those of the fact as recorded. The change concerns all three (any version a subscriber may have been
 * following): a filter on any of them matches it, as the live feed's catch-up from the log does.
 */
export interface AmendmentKeys {
  keys: ChangeKeys;
  before: ChangeKeys;
  recorded: ChangeKeys;
}

export const isAmendmentKeys = (value: ChangeKeys | AmendmentKeys): value is AmendmentKeys =>
  typeof (value as AmendmentKeys).keys === 'object' &&
  typeof (value as AmendmentKeys).before === 'object' &&
  typeof (value as AmendmentKeys).recorded === 'object';

/**
 * The AmendmentKeys of an amendment of the fact `recorded`, given the `changes` of the corrections of that fact
 * recorded before it (in log order) and its own `changes` (undefined for a retraction); `keysOf` names what a
 * version of the fact concerns. The one fold of a correction chain, used by the projections and the live replay.
 */
export function amendmentKeys(
  recorded: Record<string, unknown>,
  earlier: readonly unknown[],
  changes: unknown,
  keysOf: (fact: Record<string, unknown>) => ChangeKeys,
): AmendmentKeys {
  const versions = amendedVersions(recorded, earlier, changes);
  return { keys: keysOf(versions.after), before: keysOf(versions.before), recorded: keysOf(versions.recorded) };
}

/** Emitted on the change feed after the transaction that applied it committed. */
export interface ProjectionChange {
  projection: string;
  /** Decimal string of the event's commit position: use as the SSE id. */
  position: string;
  preparePosition: string;
  streamName: string;
  eventType: string;
  eventId: string;
  keys: ChangeKeys;
  /** An amendment's: the keys of the fact as it stood just before it, which the change concerns too (see AmendmentKeys). */
  before?: ChangeKeys;
  /** An amendment's: the keys of the fact as recorded, which the change concerns too (see AmendmentKeys). */
  recorded?: ChangeKeys;
}

/**
 * A read model fed by the `$all` subscription. `name` is versioned (`territory.control.v1`) and is its checkpoint id:
 * bump the version and the runner drops its tables and rebuilds it from the log.
 *
 * `handle` runs inside the transaction that also moves the checkpoint; it must be idempotent (a redelivered event
 * leaves the model unchanged), ignore event types it does not know, and throw only for a real fault (the runner then
 * stops this projection at that event, reports it in status and retries later).
 * Return `false` when the event changed nothing (no change-feed message), or the keys of what changed (default:
 * the placeId/officeId/personId/factionId found in the event's data); an amendment of a fact returns AmendmentKeys.
 */
export interface Projection {
  readonly name: string;
  readonly eventTypes: readonly string[];
  /** Tables it owns, dropped on rebuild. */
  readonly tables?: readonly string[];
  /** Creates its tables/indexes if missing (idempotent). */
  migrate?(db: ReadDb, dialect: ReadStoreDialect): Promise<void>;
  handle(event: ProjectedEvent, tx: ReadTx): Promise<ChangeKeys | AmendmentKeys | false | void>;
  /**
   * Called once per transaction after the last `handle` of a batch, before the checkpoint is written: a projection
   * may defer derived work (e.g. recomputing a timeline touched by several events of the batch) to here.
   */
  flush?(tx: ReadTx): Promise<void>;
}

export const PROJECTION_NAME_PATTERN = /^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)*\.v[0-9]+$/;

/** `territory.control.v2` -> `territory.control` */
export function projectionBaseName(name: string): string {
  return name.replace(/\.v[0-9]+$/, '');
}

/**
 * Views an event's data as its contract type. The data comes from the log, so handlers still check the fields
 * they rely on (a malformed recorded event must be ignored, not crash the projection).
 */
export function eventOf<Data extends object>(event: ProjectedEvent): ProjectedEvent<Data> {
  return event as unknown as ProjectedEvent<Data>;
}
