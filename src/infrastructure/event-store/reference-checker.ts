import { type EventStoreDBClient, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import { Inject, Injectable } from '@nestjs/common';
import { DomainError, type FieldError } from '../../shared/domain/domain-error.js';
import { StreamNames } from '../../shared/domain/stream-names.js';
import { EVENT_STORE_CLIENT } from './event-store.tokens.js';

export type ReferenceKind = 'faction' | 'place' | 'person' | 'office';

/** A reference named by a command: `id` undefined means the optional reference was not given. */
export interface Reference {
  kind: ReferenceKind;
  id: string | undefined;
  /** The request field that named it, reported in the error (e.g. `fromFactionId`). */
  field: string;
}

/** The first event of each reference stream: reference data exists once its registration is recorded. */
const REGISTRATION: Record<ReferenceKind, { stream: (id: string) => string; type: string; code: string }> = {
  faction: { stream: StreamNames.faction, type: 'FactionRegistered', code: 'TERRITORY.UNKNOWN_FACTION' },
  place: { stream: StreamNames.place, type: 'PlaceRegistered', code: 'TERRITORY.UNKNOWN_PLACE' },
  person: { stream: StreamNames.person, type: 'PersonRegistered', code: 'LEADERSHIP.UNKNOWN_PERSON' },
  office: { stream: StreamNames.office, type: 'OfficeEstablished', code: 'LEADERSHIP.UNKNOWN_OFFICE' },
};

/**
 * Resolves, before a command is decided, whether the factions, places, people and offices it names are registered.
 * An unknown one is a 422 DomainError naming every offending field, so nothing is appended.
 */
@Injectable()
export class ReferenceChecker {
  /**
   * References already seen registered, by kind. A registration is never undone, so "exists" stays true for the
   * process lifetime; "does not exist" is never remembered (it may be registered a moment later).
   */
  private readonly registered: Record<ReferenceKind, Set<string>> = { faction: new Set(), place: new Set(), person: new Set(), office: new Set() };

  constructor(@Inject(EVENT_STORE_CLIENT) private readonly client: EventStoreDBClient) {}

  async exists(kind: ReferenceKind, id: string): Promise<boolean> {
    if (this.registered[kind].has(id)) return true;
    const found = await this.read(kind, id);
    if (found) this.registered[kind].add(id);
    return found;
  }

  private async read(kind: ReferenceKind, id: string): Promise<boolean> {
    const registration = REGISTRATION[kind];
    // Reads the (at most one) event to the end rather than returning from inside the loop: an abandoned read is
    // cancelled mid-call, which costs a round trip and (embedded store, for now) holds up its shutdown.
    let first: string | undefined;
    try {
      for await (const resolved of this.client.readStream(registration.stream(id), { direction: FORWARDS, fromRevision: START, maxCount: 1 })) {
        first ??= resolved.event?.type;
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return false;
      throw error;
    }
    return first === registration.type;
  }

  async assertRegistered(references: Reference[]): Promise<void> {
    // JSON clients send null for "not given"; validation lets it through as absent.
    const given = references.filter((reference): reference is Reference & { id: string } => typeof reference.id === 'string');
    const found = await Promise.all(given.map((reference) => this.exists(reference.kind, reference.id)));
    const missing = given.filter((_, i) => !found[i]);
    if (missing.length === 0) return;
    const errors: FieldError[] = missing.map(({ kind, id, field }) => ({ field, message: `no ${kind} is registered with id ${id}` }));
    throw new DomainError(
      REGISTRATION[missing[0].kind].code,
      errors.map((error) => error.message).join('; '),
      'unknown-reference',
      errors,
    );
  }
}
