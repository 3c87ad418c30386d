import type { OfficeAssumedData, OfficeEstablishedData, OfficeLeftData } from './leadership.events.js';

/** Commands are data: everything a decider needs arrives in them (no clock, no I/O). */
export type RegisterPerson = { type: 'RegisterPerson'; data: { personId: string; name: string; aliases?: string[] } };
export type EstablishOffice = { type: 'EstablishOffice'; data: OfficeEstablishedData };
export type AssumeOffice = { type: 'AssumeOffice'; data: Omit<OfficeAssumedData, 'acting'> & { acting?: boolean } };
export type LeaveOffice = { type: 'LeaveOffice'; data: OfficeLeftData };

export type PersonCommand = RegisterPerson;
/** Commands decided against the `office-<officeId>` stream. */
export type OfficeCommand = EstablishOffice | AssumeOffice | LeaveOffice;
