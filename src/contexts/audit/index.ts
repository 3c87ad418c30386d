/** What other contexts may use of audit: its queries and the answers' types. */
export { StreamHistoryQuery } from './queries/stream-history.query.js';
export type { AuditedEvent } from './queries/stream-history.query.js';
