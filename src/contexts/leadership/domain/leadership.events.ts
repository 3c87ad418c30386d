import type { Confidence, Occurred, Source } from '../../../shared/domain/facts.js';

/** Wire contract: event type names and fields are never renamed. */

export interface PersonRegisteredData {
  personId: string;
  name: string;
  aliases: string[];
}

export interface OfficeEstablishedData {
  officeId: string;
  title: string;
  jurisdiction: string;
}

export interface OfficeAssumedData {
  officeId: string;
  personId: string;
  acting: boolean;
  occurred: Occurred;
  sources: Source[];
  confidence?: Confidence;
}

export const LEAVE_REASONS = ['died', 'resigned', 'ousted', 'term-ended', 'other'] as const;
export type LeaveReason = (typeof LEAVE_REASONS)[number];

export interface OfficeLeftData {
  officeId: string;
  personId: string;
  reason: LeaveReason;
  occurred: Occurred;
  sources: Source[];
  confidence?: Confidence;
}

export type PersonRegistered = { type: 'PersonRegistered'; data: PersonRegisteredData };
export type OfficeEstablished = { type: 'OfficeEstablished'; data: OfficeEstablishedData };
export type OfficeAssumed = { type: 'OfficeAssumed'; data: OfficeAssumedData };
export type OfficeLeft = { type: 'OfficeLeft'; data: OfficeLeftData };

export type PersonEvent = PersonRegistered;
/** The `office-<officeId>` stream holds its establishment and every term start and end. */
export type OfficeEvent = OfficeEstablished | OfficeAssumed | OfficeLeft;
