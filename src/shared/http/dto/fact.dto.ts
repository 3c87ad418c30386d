import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsDefined,
  IsIn,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  MinLength,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationArguments,
} from 'class-validator';
import { CONFIDENCES, type Confidence, PRECISIONS, type Precision, SLUG_MAX_LENGTH, SLUG_PATTERN } from '../../domain/facts.js';
import { occurredDateProblem } from '../../domain/occurred.js';

/** Length limits of free text (documented in the OpenAPI descriptions). */
export const LIMITS = {
  name: 200,
  aliases: 50,
  country: 100,
  title: 200,
  jurisdiction: 200,
  summary: 2000,
  description: 2000,
  quote: 5000,
  medium: 100,
  outlet: 200,
  url: 2000,
  note: 1000,
  sources: 20,
} as const;

const NOT_BLANK = /\S/;

/** An id of a faction, place, person, office, statue or statement. */
export function IsSlug(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    MaxLength(SLUG_MAX_LENGTH),
    Matches(SLUG_PATTERN, { message: '$property must be a slug: lower-case letters and digits in dash-separated words' }),
  );
}

/**
 * A slug id field. `required: 'path'` marks the id that is also in the URL: optional in the HTTP body (OpenAPI),
 * yet required once the path is merged in, and in an import line.
 */
export function slugProperty(description: string, example: string, required: boolean | 'path' = true): PropertyDecorator {
  const options = { description: `${description} Slug \`^[a-z0-9]+(-[a-z0-9]+)*$\`, at most ${SLUG_MAX_LENGTH} characters.`, example, pattern: SLUG_PATTERN.source, maxLength: SLUG_MAX_LENGTH };
  if (required === 'path') {
    const path = { ...options, description: `${options.description} May be left out of the HTTP body (it is in the path); required in an import line.` };
    return applyDecorators(ApiPropertyOptional(path), IsDefined(), IsSlug());
  }
  return required
    ? applyDecorators(ApiProperty(options), IsDefined(), IsSlug())
    : applyDecorators(ApiPropertyOptional(options), IsOptional(), IsSlug());
}

/** A required or optional non-blank string of at most `max` characters. */
export function textProperty(description: string, max: number, example: string, required = true): PropertyDecorator {
  const options = { description: `${description} At most ${max} characters.`, example, maxLength: max };
  const rules = [IsString(), MinLength(1), Matches(NOT_BLANK, { message: '$property must not be blank' }), MaxLength(max)];
  return required
    ? applyDecorators(ApiProperty(options), IsDefined(), ...rules)
    : applyDecorators(ApiPropertyOptional(options), IsOptional(), ...rules);
}

export function aliasesProperty(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      description: `Other names, each at most ${LIMITS.name} characters; at most ${LIMITS.aliases}.`,
      type: [String],
      example: ['HTS'],
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(LIMITS.aliases),
    IsString({ each: true }),
    MinLength(1, { each: true }),
    MaxLength(LIMITS.name, { each: true }),
  );
}

function IsDateOfPrecision(): PropertyDecorator {
  return ValidateBy({
    name: 'isDateOfPrecision',
    validator: {
      validate: (value: unknown, args?: ValidationArguments) =>
        occurredDateProblem(value, (args?.object as OccurredDto | undefined)?.precision) === undefined,
      defaultMessage: (args?: ValidationArguments) =>
        occurredDateProblem(args?.value, (args?.object as OccurredDto | undefined)?.precision) ?? 'invalid date',
    },
  });
}

export class OccurredDto {
  @ApiProperty({
    description: 'When it happened: `YYYY-MM-DD`, `YYYY-MM` or `YYYY` to match the precision; the date must exist.',
    example: '2024-12-05',
  })
  @IsDefined()
  @IsString()
  @IsDateOfPrecision()
  date!: string;

  @ApiProperty({ enum: PRECISIONS, example: 'day' })
  @IsDefined()
  @IsIn(PRECISIONS as unknown as string[])
  precision!: Precision;
}

export class SourceDto {
  @ApiPropertyOptional({ description: `Outlet name (an outlet or a url is required). At most ${LIMITS.outlet} characters.`, example: 'Reuters', maxLength: LIMITS.outlet })
  @ValidateIf((source: SourceDto) => source.outlet !== undefined || source.url === undefined)
  @IsDefined({ message: 'a source needs an outlet or a url' })
  @IsString()
  @MinLength(1)
  @Matches(NOT_BLANK, { message: '$property must not be blank' })
  @MaxLength(LIMITS.outlet)
  outlet?: string;

  @ApiPropertyOptional({ description: `http(s) URL of the report. At most ${LIMITS.url} characters.`, example: 'https://www.reuters.com/world/middle-east/', maxLength: LIMITS.url })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.url)
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true }, { message: '$property must be an http(s) URL' })
  url?: string;

  @ApiPropertyOptional({ description: `Editor's note on the source. At most ${LIMITS.note} characters.`, maxLength: LIMITS.note })
  @IsOptional()
  @IsString()
  @MaxLength(LIMITS.note)
  note?: string;
}

/** `occurred`, `sources` and `confidence`: what every fact carries. */
export function occurredProperty(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: OccurredDto, description: 'Valid time: when it happened in the world.' }),
    IsDefined(),
    IsObject(),
    ValidateNested(),
    Type(() => OccurredDto),
  );
}

export function sourcesProperty(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({ type: [SourceDto], description: `At least one and at most ${LIMITS.sources} sources, each with an outlet or a url.`, minItems: 1, maxItems: LIMITS.sources }),
    IsDefined(),
    IsArray(),
    ArrayMinSize(1, { message: '$property must contain at least one source' }),
    ArrayMaxSize(LIMITS.sources),
    IsObject({ each: true }),
    ValidateNested({ each: true }),
    Type(() => SourceDto),
  );
}

export function confidenceProperty(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ enum: CONFIDENCES, example: 'confirmed' }),
    IsOptional(),
    IsIn(CONFIDENCES as unknown as string[]),
  );
}

export type { Confidence };
