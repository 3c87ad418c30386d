/** What other contexts may use of leadership: its queries and the answers' types. */
export { GetOfficeHolderQuery, GetOfficeTermsQuery, GetOfficeVacanciesQuery, GetPersonTermsQuery } from './queries/leadership.queries.js';
export type { OfficeHolder, PersonTermView, TermView } from './queries/leadership.read-model.js';
