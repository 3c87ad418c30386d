import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsIn, IsNumber, IsObject, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { LIMITS, slugProperty, textProperty } from '../../../../shared/http/dto/fact.dto.js';
import { PLACE_KINDS, type PlaceKind } from '../../domain/territory.events.js';

export class CoordinatesDto {
  @ApiProperty({ description: 'Latitude in degrees, -90 to 90.', example: 35.1318, minimum: -90, maximum: 90 })
  @IsDefined()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-90)
  @Max(90)
  lat!: number;

  @ApiProperty({ description: 'Longitude in degrees, -180 to 180.', example: 36.7578, minimum: -180, maximum: 180 })
  @IsDefined()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(-180)
  @Max(180)
  lon!: number;
}

export class RegisterPlaceRequestDto {
  @slugProperty('The place id.', 'hama')
  placeId!: string;

  @textProperty('Display name.', LIMITS.name, 'Hama')
  name!: string;

  @textProperty('Country name.', LIMITS.country, 'Syria')
  country!: string;

  @ApiPropertyOptional({ enum: PLACE_KINDS, example: 'city' })
  @IsOptional()
  @IsIn(PLACE_KINDS as unknown as string[])
  kind?: PlaceKind;

  @ApiPropertyOptional({ type: CoordinatesDto, description: 'WGS 84 point; places with coordinates appear in the GeoJSON.' })
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => CoordinatesDto)
  coordinates?: CoordinatesDto;
}
