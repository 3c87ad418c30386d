import { Inject, Optional } from '@nestjs/common';
import { type IQueryHandler, Query, QueryHandler } from '@nestjs/cqrs';
import { type AsAt, describeAsAt, todayUtc } from '../../../infrastructure/projections/as-at.js';
import { Clock } from '../../../shared/domain/clock.js';
import { notFound } from '../../../shared/domain/domain-error.js';
import type { Vacancy } from '../domain/terms.js';
import { LeadershipReadModel, type OfficeHolder, type PersonTermView, type TermView } from './leadership.read-model.js';

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

/** With `asAt`: known by then (an office established later is unknown as known at asAt). */
async function assertOffice(model: LeadershipReadModel, officeId: string, asAt: AsAt | undefined): Promise<void> {
  if (!(await model.officeKnown(officeId, asAt))) {
    throw notFound('LEADERSHIP.UNKNOWN_OFFICE', `no office "${officeId}" is known${asKnownAt(asAt)}`, 'officeId');
  }
}

@QueryHandler(GetOfficeHolderQuery)
export class GetOfficeHolderHandler implements IQueryHandler<GetOfficeHolderQuery> {
  constructor(
    @Inject(LeadershipReadModel) private readonly model: LeadershipReadModel,
    @Optional() @Inject(Clock) private readonly clock?: Clock,
  ) {}

  async execute({ officeId, asOf, asAt }: GetOfficeHolderQuery): Promise<OfficeHolder> {
    await assertOffice(this.model, officeId, asAt);
    return this.model.holderOf(officeId, asOf ?? todayUtc(this.clock?.now()), asAt);
  }
}

@QueryHandler(GetOfficeTermsQuery)
export class GetOfficeTermsHandler implements IQueryHandler<GetOfficeTermsQuery> {
  constructor(@Inject(LeadershipReadModel) private readonly model: LeadershipReadModel) {}

  async execute({ officeId, asAt }: GetOfficeTermsQuery): Promise<TermView[]> {
    await assertOffice(this.model, officeId, asAt);
    return this.model.terms(officeId, asAt);
  }
}

@QueryHandler(GetOfficeVacanciesQuery)
export class GetOfficeVacanciesHandler implements IQueryHandler<GetOfficeVacanciesQuery> {
  constructor(@Inject(LeadershipReadModel) private readonly model: LeadershipReadModel) {}

  async execute({ officeId, asAt }: GetOfficeVacanciesQuery): Promise<Vacancy[]> {
    await assertOffice(this.model, officeId, asAt);
    return this.model.vacancies(officeId, asAt);
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
