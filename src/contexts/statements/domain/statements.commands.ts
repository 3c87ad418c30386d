import type { StatementIssuedData } from './statements.events.js';

/** Commands are data: everything a decider needs arrives in them (no clock, no I/O). */
export type IssueStatement = { type: 'IssueStatement'; data: StatementIssuedData };
export type StatementCommand = IssueStatement;
