/** Shapes shared by every fact event (product.md, api.md "Shared shapes"). Wire contract: never rename. */

export const PRECISIONS = ['day', 'month', 'year'] as const;
export type Precision = (typeof PRECISIONS)[number];

/** Valid time: when it happened in the world, with the precision the sources allow. */
export interface Occurred {
  date: string; // YYYY-MM-DD | YYYY-MM | YYYY, matching precision
  precision: Precision;
}

export interface Source {
  outlet?: string;
  url?: string;
  note?: string;
}

export const CONFIDENCES = ['confirmed', 'reported', 'disputed'] as const;
export type Confidence = (typeof CONFIDENCES)[number];

/** Ids of factions, places, people, offices, statues and statements. */
export const SLUG_PATTERN = /^[a-z0-9]+(-[a-z0-9]+)*$/;
export const SLUG_MAX_LENGTH = 80;
