/**
 * Every stream name is built here and nowhere else. `<category>-<id>`: a camelCase category with no dash,
 * then the entity's slug id (which may contain dashes).
 */
export const StreamNames = {
  faction: (factionId: string) => `faction-${factionId}`,
  place: (placeId: string) => `city-${placeId}`,
  person: (personId: string) => `person-${personId}`,
  office: (officeId: string) => `office-${officeId}`,
  statue: (statueId: string) => `statue-${statueId}`,
  statement: (statementId: string) => `statement-${statementId}`,
} as const;

export type StreamCategory = 'faction' | 'city' | 'person' | 'office' | 'statue' | 'statement';

export function parseStreamName(streamName: string): { category: string; id: string } {
  const dash = streamName.indexOf('-');
  if (dash < 0) return { category: streamName, id: '' };
  return { category: streamName.slice(0, dash), id: streamName.slice(dash + 1) };
}
