import { ApiProperty } from '@nestjs/swagger';

const DISPUTED =
  'Several factions were reported taking the place the same day; or the report this interval begins at and an ' +
  "earlier-starting report of another faction's seizure have dates that share a day (\"2012-07\" and \"2012-07-15\"), " +
  "unless the later one names the earlier one's faction as fromFactionId; or a report's confidence is disputed.";
const CONTENDERS = 'The factions reported in control: one, or every faction of the reports the interval is disputed between. Sorted.';
const SOURCES = 'Events establishing this interval, with the earlier-starting reports it is disputed with, in recording order.';

/** OpenAPI shapes of the territory query answers (the handlers return plain objects of these shapes). */
export class PlaceControlResponseDto {
  @ApiProperty({ example: 'hama' }) placeId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'hts', description: 'Faction id; null when nothing is known.' })
  controller!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2024-12-05', description: 'First day of this interval; null: since before anything known.' })
  since!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Day the next known interval starts (exclusive); null when open.' })
  until!: string | null;
  @ApiProperty({ description: DISPUTED }) disputed!: boolean;
  @ApiProperty({ type: [String], example: ['hts'], description: CONTENDERS }) contenders!: string[];
  @ApiProperty({ type: [String], description: SOURCES }) sourceEventIds!: string[];
  @ApiProperty({ description: 'Start known only to the month or year.' }) approximate!: boolean;
}

const nullableString = { type: ['string', 'null'] } as const;
const strings = { type: 'array', items: { type: 'string' } } as const;

/**
 * The JSON schema Fastify serialises a PlaceControl answer with: fast-json-stringify writes the hottest answer of the
 * API, "who controlled X on D", with less work than JSON.stringify. It must name every field of a PlaceControl
 * answer: a field it does not name is left out of the HTTP answer (territory.response.dto.spec.ts holds the two
 * together).
 */
export const PLACE_CONTROL_JSON_SCHEMA = {
  type: 'object',
  properties: {
    placeId: { type: 'string' },
    controller: nullableString,
    since: nullableString,
    until: nullableString,
    disputed: { type: 'boolean' },
    contenders: strings,
    sourceEventIds: strings,
    approximate: { type: 'boolean' },
  },
  required: ['placeId', 'controller', 'since', 'until', 'disputed', 'contenders', 'sourceEventIds', 'approximate'],
} as const;

export class ControlPeriodResponseDto {
  @ApiProperty({ nullable: true, type: String, example: 'syrian-government' }) controller!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) from!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2024-12-05', description: 'Exclusive; null for the current interval.' })
  to!: string | null;
  @ApiProperty({ description: DISPUTED }) disputed!: boolean;
  @ApiProperty({ type: [String], description: CONTENDERS }) contenders!: string[];
  @ApiProperty({ type: [String], description: SOURCES }) sourceEventIds!: string[];
  @ApiProperty() approximate!: boolean;
}

class CoordinatesDto {
  @ApiProperty({ example: 35.13 }) lat!: number;
  @ApiProperty({ example: 36.75 }) lon!: number;
}

export class MapEntryResponseDto extends PlaceControlResponseDto {
  @ApiProperty({ nullable: true, type: String, example: 'Hama' }) name!: string | null;
  @ApiProperty({ nullable: true, type: CoordinatesDto }) coordinates!: CoordinatesDto | null;
}
