import type { FactCorrected, FactRetracted } from './corrections.events.js';
import type { Decider, DomainEvent } from './decider.js';
import { DomainError, type FieldError, illegalState, notFound, validationError, validationErrors } from './domain-error.js';

/**
 * CorrectFact / RetractFact, decided against the stream of the fact they amend (product.md: "a correction is a new
 * event that points at the event it amends, in the same stream"). Pure: the handler finds the stream, checks the
 * references the changes name and passes the class-validator check of the merged body in as `check`.
 */

/** The fact event types, and the fields that identify the entity of their stream (never correctable). */
export const FACT_IDENTITY: Readonly<Record<string, readonly string[]>> = {
  CitySeized: ['placeId'],
  StatueToppled: ['statueId'],
  StatementIssued: ['statementId'],
  OfficeAssumed: ['officeId'],
  OfficeLeft: ['officeId'],
};

export const isFactType = (type: string): boolean => Object.prototype.hasOwnProperty.call(FACT_IDENTITY, type);

export type CorrectFact = {
  type: 'CorrectFact';
  data: { eventId: string; changes: Record<string, unknown>; reason: string; notice: string };
  /**
   * Validates a fact body of the given type as its command would (the same DTO rules); field paths relative to
   * the body (`occurred.date`). Resolved by the handler; without it only the decider's own rules apply.
   */
  check?: (factType: string, body: Record<string, unknown>) => FieldError[];
};
export type RetractFact = { type: 'RetractFact'; data: { eventId: string; reason: string; notice: string } };
export type CorrectionCommand = CorrectFact | RetractFact;
export type CorrectionEvent = FactCorrected | FactRetracted;

export interface FactRecord {
  type: string;
  /** The fact's body with every correction so far applied, in order. */
  data: Record<string, unknown>;
  retracted: boolean;
}

export interface CorrectionsState {
  facts: Record<string, FactRecord>;
  /** Ids of events of this stream that are not facts (reference data, corrections, retractions) and their types. */
  others: Record<string, string>;
}

/** Applies one correction's changes: each field given replaces the current value; null removes an optional field. */
export function applyChanges(data: Record<string, unknown>, changes: Record<string, unknown>): Record<string, unknown> {
  const next = { ...data };
  for (const [field, value] of Object.entries(changes ?? {})) {
    if (value === null || value === undefined) delete next[field];
    else next[field] = value;
  }
  return next;
}

/** A correction's `changes` as stored or read from the log: anything but a plain object changes nothing. */
const changesOf = (changes: unknown): Record<string, unknown> =>
  typeof changes === 'object' && changes !== null && !Array.isArray(changes) ? (changes as Record<string, unknown>) : {};

/**
 * The versions of a fact an amendment (FactCorrected, FactRetracted) concerns: as recorded; as it stood just before
 * the amendment, with every earlier correction of it applied in log order (`earlier`: their `changes`); and as the
 * amendment leaves it, its own `changes` applied too (a retraction's `changes` is undefined: it leaves it as it stood).
 */
export interface AmendedVersions {
  recorded: Record<string, unknown>;
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export function amendedVersions(recorded: Record<string, unknown>, earlier: readonly unknown[], changes?: unknown): AmendedVersions {
  const before = earlier.reduce<Record<string, unknown>>((fact, each) => applyChanges(fact, changesOf(each)), recorded);
  return { recorded, before, after: applyChanges(before, changesOf(changes)) };
}

export function initialCorrectionsState(): CorrectionsState {
  return { facts: {}, others: {} };
}

export function evolveCorrections(state: CorrectionsState, event: DomainEvent & { id?: string }): CorrectionsState {
  const id = event.id;
  if (isFactType(event.type)) {
    if (!id) return state;
    return { ...state, facts: { ...state.facts, [id]: { type: event.type, data: { ...(event.data as Record<string, unknown>) }, retracted: false } } };
  }
  const others = id ? { ...state.others, [id]: event.type } : state.others;
  if (event.type === 'FactCorrected' || event.type === 'FactRetracted') {
    const { eventId, changes } = (event as CorrectionEvent).data as { eventId?: unknown; changes?: Record<string, unknown> };
    const target = typeof eventId === 'string' ? state.facts[eventId] : undefined;
    if (!target) return { ...state, others };
    const amended: FactRecord =
      event.type === 'FactRetracted'
        ? { ...target, retracted: true }
        : { ...target, data: applyChanges(target.data, typeof changes === 'object' && changes !== null ? changes : {}) };
    return { facts: { ...state.facts, [eventId as string]: amended }, others };
  }
  return { ...state, others };
}

/** The fact an amendment points at, or the coded reason it cannot be amended. */
function targetOf(state: CorrectionsState, eventId: string, verb: 'correct' | 'retract'): FactRecord {
  const fact = state.facts[eventId];
  if (fact) return fact;
  const other = state.others[eventId];
  if (other) {
    const hint = other === 'FactCorrected' || other === 'FactRetracted' ? ` (${verb} the fact it amends instead)` : ' (reference data is not a fact)';
    throw new DomainError('CORRECTIONS.NOT_A_FACT', `event ${eventId} is a ${other}, not a fact${hint}`, 'unprocessable', [
      { field: 'eventId', message: `is a ${other}, not a fact${hint}` },
    ]);
  }
  throw notFound('CORRECTIONS.UNKNOWN_EVENT', `no fact was recorded with event id ${eventId}`, 'eventId');
}

/**
 * JSON values equal as data: objects by their fields in any order (a client's key order is not a change), arrays
 * item by item. Bodies are depth-limited by validation before they get here.
 */
export function same(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((item, i) => same(item, b[i]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  const keys = Object.keys(left);
  return (
    keys.length === Object.keys(right).length &&
    keys.every((key) => Object.prototype.hasOwnProperty.call(right, key) && same(left[key], right[key]))
  );
}

function decideCorrection(command: CorrectFact, state: CorrectionsState): FactCorrected {
  const { eventId, changes, reason, notice } = command.data;
  const fact = targetOf(state, eventId, 'correct');
  if (fact.retracted) {
    throw illegalState('CORRECTIONS.FACT_RETRACTED', `event ${eventId} was retracted: a retracted fact cannot be corrected`, 'eventId');
  }
  if (typeof changes !== 'object' || changes === null || Array.isArray(changes) || Object.keys(changes).length === 0) {
    throw validationError('CORRECTIONS.NO_CHANGES', 'changes', 'name at least one field of the fact and its corrected value');
  }
  for (const field of FACT_IDENTITY[fact.type]) {
    if (field in changes && !same(changes[field], fact.data[field])) {
      throw validationError(
        'CORRECTIONS.IDENTITY_CHANGE',
        `changes.${field}`,
        `${field} identifies the stream of this ${fact.type} and cannot be corrected: retract the fact and record it anew`,
      );
    }
  }
  const effective = Object.fromEntries(Object.entries(changes).filter(([field, value]) => !same(value, fact.data[field] ?? null)));
  if (Object.keys(effective).length === 0) {
    throw validationError('CORRECTIONS.NO_CHANGES', 'changes', 'every value given equals the current one: nothing to correct');
  }
  const errors = command.check?.(fact.type, applyChanges(fact.data, effective)) ?? [];
  if (errors.length > 0) {
    const named = errors.map((error) => {
      const root = error.field.split(/[.[]/)[0];
      return root in changes ? { ...error, field: `changes.${error.field}` } : error;
    });
    throw validationErrors(named, 'CORRECTIONS.INVALID_CHANGES');
  }
  return { type: 'FactCorrected', data: { eventId, factType: fact.type, changes: effective, reason, notice } };
}

function decideRetraction(command: RetractFact, state: CorrectionsState): FactRetracted {
  const { eventId, reason, notice } = command.data;
  const fact = targetOf(state, eventId, 'retract');
  if (fact.retracted) throw illegalState('CORRECTIONS.ALREADY_RETRACTED', `event ${eventId} is already retracted`, 'eventId');
  return { type: 'FactRetracted', data: { eventId, factType: fact.type, reason, notice } };
}

export interface CorrectableState<S> {
  corrections: CorrectionsState;
  stream: S;
}

/**
 * The decider of corrections on one stream: folds the stream's facts (by event id, with corrections applied) and,
 * when given, the stream's own decider state, so `keepsRules(before, after)` can refuse an amendment that would
 * break the stream's rules (e.g. overlapping terms of an office). `keepsRules` throws a DomainError to refuse.
 */
export function correctionDecider<S = undefined>(
  stream?: { initialState(): S; evolve(state: S, event: never): S },
  keepsRules?: (before: S, after: S, command: CorrectionCommand) => void,
): Decider<CorrectionCommand, DomainEvent & { id?: string }, CorrectableState<S>> {
  const evolveStream = (state: S, event: DomainEvent) => (stream ? stream.evolve(state, event as never) : state);
  return {
    initialState: () => ({ corrections: initialCorrectionsState(), stream: stream ? stream.initialState() : (undefined as S) }),
    evolve: (state, event) => ({ corrections: evolveCorrections(state.corrections, event), stream: evolveStream(state.stream, event) }),
    decide(command, state) {
      const event = command.type === 'CorrectFact' ? decideCorrection(command, state.corrections) : decideRetraction(command, state.corrections);
      keepsRules?.(state.stream, evolveStream(state.stream, event), command);
      return [event];
    },
  };
}
