import { Inject, Injectable, Optional } from '@nestjs/common';
import { sql } from 'kysely';
import { type AsAt, recordedBy } from '../../../infrastructure/projections/as-at.js';
import type { ReadDb } from '../../../infrastructure/read-store/read-store.factory.js';
import { READ_DB } from '../../../infrastructure/read-store/read-store.tokens.js';
import { actingTermsAt, computeTerms, type StartReport, type Term, termAt, vacantSince } from '../domain/terms.js';
import { rowToTerm } from '../projections/leadership-terms.projection.js';
import { loadTermFacts } from '../projections/leadership-facts.js';
import { LeadershipTables, type OfficeRow, type PersonRow, type TermRow } from '../projections/leadership.tables.js';
import { OfficeTermsCache, type StoredOffice } from './office-terms.cache.js';

/** GET /leadership/offices/:officeId/holder */
export interface OfficeHolder {
  officeId: string;
  /** Person id, null when vacant (or nothing known). */
  holder: string | null;
  acting: boolean;
  /** Start of the holder's term; when vacant, when the vacancy began (null if unknown). */
  since: string | null;
  /** End of the holder's term when known (exclusive), else null. */
  until: string | null;
  /** The holder's start or end is known only to the month or year. */
  approximate: boolean;
  /** Reports of the holder's start disagree (see startReports). */
  disputed: boolean;
  /** Each reported start of the holder's term, earliest first ([] when vacant). */
  startReports: StartReport[];
  /** Who held the office as acting on that day (beside the holder, or the holder itself when acting). */
  actingHolders: string[];
  sourceEventIds: string[];
}

/** One entry of GET /leadership/offices/:officeId/terms */
export interface TermView {
  personId: string;
  start: string | null;
  end: string | null;
  acting: boolean;
  endReason: string | null;
  predecessorId: string | null;
  successorId: string | null;
  approximate: boolean;
  /** Reports of the start disagree: `start` is the earliest, startReports lists each with its sources. */
  disputed: boolean;
  startReports: StartReport[];
  sourceEventIds: string[];
}

export type PersonTermView = TermView & { officeId: string };

export const toTermView = (term: Term): TermView => ({
  personId: term.personId,
  start: term.start,
  end: term.end,
  acting: term.acting,
  endReason: term.endReason,
  predecessorId: term.predecessorId,
  successorId: term.successorId,
  approximate: term.approximate,
  disputed: term.disputed,
  startReports: term.startReports,
  sourceEventIds: term.sourceEventIds,
});

export function toHolder(officeId: string, terms: readonly Term[], asOf: string): OfficeHolder {
  const term = termAt(terms, asOf);
  const actingHolders = actingTermsAt(terms, asOf).map((acting) => acting.personId);
  if (!term) {
    return { officeId, holder: null, acting: false, since: vacantSince(terms, asOf), until: null, approximate: false, disputed: false, startReports: [], actingHolders, sourceEventIds: [] };
  }
  return {
    officeId,
    holder: term.personId,
    acting: term.acting,
    since: term.start,
    until: term.end,
    approximate: term.approximate,
    disputed: term.disputed,
    startReports: term.startReports,
    actingHolders,
    sourceEventIds: term.sourceEventIds,
  };
}

const byStart = (a: { start: string | null }, b: { start: string | null }) => (a.start ?? '').localeCompare(b.start ?? '');

/**
 * Queries of the leadership read model. Current answers read the stored terms; `asAt` answers recompute them with
 * the same pure function from the facts recorded up to that point.
 */
@Injectable()
export class LeadershipReadModel {
  constructor(
    @Inject(READ_DB) private readonly db: ReadDb,
    @Optional() @Inject(OfficeTermsCache) private readonly cache?: OfficeTermsCache,
  ) {}

  /**
   * The current stored terms of an office and whether it is known, from memory when OfficeTermsCache is on (the same
   * answer as the store's: see there), else read from the store.
   */
  storedOffice(officeId: string): Promise<StoredOffice> {
    return this.cache ? this.cache.get(officeId, () => this.readStoredOffice(officeId)) : this.readStoredOffice(officeId);
  }

  /** One read when the office has terms: terms are only ever computed from term facts naming the office. */
  private async readStoredOffice(officeId: string): Promise<StoredOffice> {
    const rows = await this.db.selectFrom(LeadershipTables.terms).selectAll().where('office_id', '=', officeId).orderBy('seq').execute();
    const terms = (rows as TermRow[]).map(rowToTerm);
    return { terms, known: terms.length > 0 || (await this.officeKnown(officeId)) };
  }

  async office(officeId: string): Promise<{ officeId: string; title: string; jurisdiction: string } | null> {
    const row = (await this.db.selectFrom(LeadershipTables.offices).selectAll().where('office_id', '=', officeId).executeTakeFirst()) as
      | OfficeRow
      | undefined;
    return row ? { officeId: row.office_id, title: row.title, jurisdiction: row.jurisdiction } : null;
  }

  async person(personId: string): Promise<{ personId: string; name: string; aliases: string[] } | null> {
    const row = (await this.db.selectFrom(LeadershipTables.people).selectAll().where('person_id', '=', personId).executeTakeFirst()) as
      | PersonRow
      | undefined;
    return row ? { personId: row.person_id, name: row.name, aliases: JSON.parse(row.aliases) as string[] } : null;
  }

  /**
   * Established, or at least named by a term fact; with `asAt`, recorded by then (an office established later was
   * not known yet, as the territory map leaves out places registered later).
   */
  async officeKnown(officeId: string, asAt?: AsAt): Promise<boolean> {
    return this.known(LeadershipTables.offices, 'office_id', officeId, asAt);
  }

  /** Registered, or at least named by a term fact; with `asAt`, recorded by then. */
  async personKnown(personId: string, asAt?: AsAt): Promise<boolean> {
    return this.known(LeadershipTables.people, 'person_id', personId, asAt);
  }

  private async known(table: string, column: 'office_id' | 'person_id', id: string, asAt: AsAt | undefined): Promise<boolean> {
    const rows = await recordedBy(this.db.selectFrom(table).select(sql.lit(1).as('known')).where(column, '=', id), asAt)
      .unionAll(recordedBy(this.db.selectFrom(LeadershipTables.facts).select(sql.lit(1).as('known')).where(column, '=', id), asAt))
      .limit(sql.lit(1))
      .execute();
    return rows.length > 0;
  }

  /** The stored terms, or as known at `asAt` recomputed from the facts recorded by then. */
  async termsOf(officeId: string, asAt?: AsAt): Promise<readonly Term[]> {
    if (asAt) return computeTerms(await loadTermFacts(this.db, officeId, asAt));
    return (await this.storedOffice(officeId)).terms;
  }

  /** Every term a person held, all offices, by start date. */
  async personTerms(personId: string, asAt?: AsAt): Promise<PersonTermView[]> {
    if (asAt) {
      const facts = await loadTermFacts(this.db, null, asAt);
      const offices = [...new Set(facts.map((fact) => fact.officeId))];
      return offices
        .flatMap((officeId) =>
          computeTerms(facts.filter((fact) => fact.officeId === officeId))
            .filter((term) => term.personId === personId)
            .map((term) => ({ officeId, ...toTermView(term) })),
        )
        .sort(byStart);
    }
    const rows = (await this.db.selectFrom(LeadershipTables.terms).selectAll().where('person_id', '=', personId).execute()) as TermRow[];
    return rows.map((row) => ({ officeId: row.office_id, ...toTermView(rowToTerm(row)) })).sort(byStart);
  }
}
