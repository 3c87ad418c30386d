import { ApiProperty } from '@nestjs/swagger';

/** OpenAPI shapes of the territory query answers (the handlers return plain objects of these shapes). */
export class PlaceControlResponseDto {
  @ApiProperty({ example: 'hama' }) placeId!: string;
  @ApiProperty({ nullable: true, type: String, example: 'hts', description: 'Faction id; null when nothing is known.' })
  controller!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2024-12-05', description: 'First day of this interval; null: since before anything known.' })
  since!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null, description: 'Day the next known interval starts (exclusive); null when open.' })
  until!: string | null;
  @ApiProperty({ description: 'Several factions reported taking it the same day, or a report is disputed.' }) disputed!: boolean;
  @ApiProperty({ type: [String], example: ['hts'] }) contenders!: string[];
  @ApiProperty({ type: [String], description: 'Events establishing this interval.' }) sourceEventIds!: string[];
  @ApiProperty({ description: 'Start known only to the month or year.' }) approximate!: boolean;
}

export class ControlPeriodResponseDto {
  @ApiProperty({ nullable: true, type: String, example: 'syrian-government' }) controller!: string | null;
  @ApiProperty({ nullable: true, type: String, example: null }) from!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '2024-12-05', description: 'Exclusive; null for the current interval.' })
  to!: string | null;
  @ApiProperty() disputed!: boolean;
  @ApiProperty({ type: [String] }) contenders!: string[];
  @ApiProperty({ type: [String] }) sourceEventIds!: string[];
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
