import type { StatueToppledData } from './monuments.events.js';

/** Commands are data: everything a decider needs arrives in them (no clock, no I/O). */
export type ToppleStatue = { type: 'ToppleStatue'; data: StatueToppledData };
export type StatueCommand = ToppleStatue;
