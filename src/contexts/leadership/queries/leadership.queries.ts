import { Inject, Optional } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type AsAt, describeAsAt, todayUtc } from '../../../infrastructure/projections/as-at.js';
import { Clock } from '../../../shared/domain/clock.js';
import { notFound } from '../../../shared/domain/domain-error.js';
import { computeVacancies, type Term, type Vacancy } from '../domain/terms.js';
import { LeadershipReadModel, type OfficeHolder, type PersonTermView, type TermView, toHolder, toTermView } from './leadership.read-model.js';

export class GetOfficeHolderQuery extends Query<OfficeHolder> {
  constructor(
    readonly officeId: string,
    /** YYYY-MM-DD; default today. */
    readonly asOf?: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

export class GetOfficeTermsQuery extends Query<TermView[]> {
  constructor(
    readonly officeId: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

export class GetOfficeVacanciesQuery extends Query<Vacancy[]> {
  constructor(
    readonly officeId: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

export class GetPersonTermsQuery extends Query<PersonTermView[]> {
  constructor(
    readonly personId: string,
    readonly asAt?: AsAt,
  ) {
    super();
  }
}

const asKnownAt = (asAt: AsAt | undefined) => (asAt ? ` as known at ${describeAsAt(asAt)}` : '');

/**
 * The office's terms, 404 for an unknown office: the stored ones (from memory when OfficeTermsCache is on), or as
 * known at `asAt` (an office established later is unknown as known at asAt).
 */
async function officeTerms(model: LeadershipReadModel, officeId: string, asAt: AsAt | undefined): Promise<readonly Term[]> {
  const unknownOffice = () => notFound('LEADERSHIP.UNKNOWN_OFFICE', `no office "${officeId}" is known${asKnownAt(asAt)}`, 'officeId');
  if (asAt === undefined) {
    const office = await model.storedOffice(officeId);
    if (!office.known) throw unknownOffice();
    return office.terms;
  }
  if (!(await model.officeKnown(officeId, asAt))) throw unknownOffice();
  return model.termsOf(officeId, asAt);
}

@QueryHandler(GetOfficeHolderQuery)
export class GetOfficeHolderHandler implements IQueryHandler<GetOfficeHolderQuery> {
  constructor(
    @Inject(LeadershipReadModel) private readonly model: LeadershipReadModel,
    @Optional() @Inject(Clock) private readonly clock?: Clock,
  ) {}

  async execute({ officeId, asOf, asAt }: GetOfficeHolderQuery): Promise<OfficeHolder> {
    return toHolder(officeId, await officeTerms(this.model, officeId, asAt), asOf ?? todayUtc(this.clock?.now()));
  }
}

@QueryHandler(GetOfficeTermsQuery)
export class GetOfficeTermsHandler implements IQueryHandler<GetOfficeTermsQuery> {
  constructor(@Inject(LeadershipReadModel) private readonly model: LeadershipReadModel) {}

  async execute({ officeId, asAt }: GetOfficeTermsQuery): Promise<TermView[]> {
    return (await officeTerms(this.model, officeId, asAt)).map(toTermView);
  }
}

@QueryHandler(GetOfficeVacanciesQuery)
export class GetOfficeVacanciesHandler implements IQueryHandler<GetOfficeVacanciesQuery> {
  constructor(@Inject(LeadershipReadModel) private readonly model: LeadershipReadModel) {}

  async execute({ officeId, asAt }: GetOfficeVacanciesQuery): Promise<Vacancy[]> {
    return computeVacancies(await officeTerms(this.model, officeId, asAt));
  }
}

@QueryHandler(GetPersonTermsQuery)
export class GetPersonTermsHandler implements IQueryHandler<GetPersonTermsQuery> {
  constructor(@Inject(LeadershipReadModel) private readonly model: LeadershipReadModel) {}

  async execute({ personId, asAt }: GetPersonTermsQuery): Promise<PersonTermView[]> {
    if (!(await this.model.personKnown(personId, asAt))) {
      throw notFound('LEADERSHIP.UNKNOWN_PERSON', `no person "${personId}" is known${asKnownAt(asAt)}`, 'personId');
    }
    return this.model.personTerms(personId, asAt);
  }
}

export const LeadershipQueryHandlers = [GetOfficeHolderHandler, GetOfficeTermsHandler, GetOfficeVacanciesHandler, GetPersonTermsHandler];
