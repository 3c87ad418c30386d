import type { Reference, ReferenceKind } from '../infrastructure/event-store/reference-checker.js';
import { type CorrectionCommand, correctionDecider } from '../shared/domain/corrections.js';
import type { Decider, DomainEvent } from '../shared/domain/decider.js';
import type { FieldError } from '../shared/domain/domain-error.js';
import { SLUG_PATTERN } from '../shared/domain/facts.js';
import { validateDto } from '../shared/http/validation.js';
import { keepsOfficeRules, officeDecider } from './leadership/domain/office.decider.js';
import { AssumeOfficeRequestDto } from './leadership/http/dto/assume-office.request.dto.js';
import { LeaveOfficeRequestDto } from './leadership/http/dto/leave-office.request.dto.js';
import { ToppleStatueRequestDto } from './monuments/http/dto/topple-statue.request.dto.js';
import { IssueStatementRequestDto } from './statements/http/dto/issue-statement.request.dto.js';
import { SeizeCityRequestDto } from './territory/http/dto/seize-city.request.dto.js';

/**
 * What a correction needs to know about each fact type: the DTO of the command that records it (a corrected fact
 * obeys the same rules) and the references its fields name (checked like the command's). Lives beside the command
 * catalog because it spans every context.
 */
interface FactRules {
  dto: new () => object;
  references: Record<string, ReferenceKind>;
}

const FACTS: Record<string, FactRules> = {
  CitySeized: { dto: SeizeCityRequestDto, references: { factionId: 'faction', fromFactionId: 'faction' } },
  StatueToppled: { dto: ToppleStatueRequestDto, references: { placeId: 'place', depictsPersonId: 'person', toppledByFactionId: 'faction' } },
  StatementIssued: { dto: IssueStatementRequestDto, references: { speakerPersonId: 'person', onBehalfOfFactionId: 'faction', placeId: 'place' } },
  OfficeAssumed: { dto: AssumeOfficeRequestDto, references: { personId: 'person' } },
  OfficeLeft: { dto: LeaveOfficeRequestDto, references: { personId: 'person' } },
};

/** The merged body of a corrected fact, validated as its command's body would be. */
export function checkFactBody(factType: string, body: Record<string, unknown>): FieldError[] {
  const rules = FACTS[factType];
  if (!rules) return [];
  const result = validateDto(rules.dto, body);
  return result.ok ? [] : result.errors;
}

/**
 * The references a correction's changes name (as `changes.<field>`). Values that are not even slugs are left to
 * the body validation, which reports them as 400.
 */
export function referencesInChanges(factType: string, changes: Record<string, unknown>): Reference[] {
  const rules = FACTS[factType];
  if (!rules || typeof changes !== 'object' || changes === null) return [];
  return Object.entries(rules.references)
    .filter(([field]) => typeof changes[field] === 'string' && SLUG_PATTERN.test(changes[field] as string))
    .map(([field, kind]) => ({ kind, id: changes[field] as string, field: `changes.${field}` }));
}

const plainCorrections = correctionDecider();
const officeCorrections = correctionDecider(officeDecider, (before, after) => keepsOfficeRules(before, after));

/** The decider of amendments to a fact of this type: office terms also keep the office's rules. */
export function correctionDeciderFor(factType: string | undefined): Decider<CorrectionCommand, DomainEvent & { id?: string }, unknown> {
  const decider = factType === 'OfficeAssumed' || factType === 'OfficeLeft' ? officeCorrections : plainCorrections;
  return decider as Decider<CorrectionCommand, DomainEvent & { id?: string }, unknown>;
}
