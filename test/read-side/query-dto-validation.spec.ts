import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { getMetadataStorage, IsIn, IsOptional, IsString, Matches, ValidateIf, validateSync } from 'class-validator';
import { ExplainAsAtQueryDto, ExplainAsOfQueryDto, ExplainMapQueryDto } from '../../src/contexts/explain/http/dto/explain.query.dto.js';
import { OfficeHolderQueryDto } from '../../src/contexts/leadership/http/dto/office-holder.query.dto.js';
import { TermsQueryDto } from '../../src/contexts/leadership/http/dto/terms.query.dto.js';
import { PlaceHistoryQueryDto } from '../../src/contexts/territory/http/dto/place-history.query.dto.js';
import { PlaceControlQueryDto } from '../../src/contexts/territory/http/dto/place-control.query.dto.js';
import { ControlMapQueryDto } from '../../src/contexts/territory/http/dto/control-map.query.dto.js';
import { TimelineQueryDto } from '../../src/contexts/timeline/http/dto/timeline.query.dto.js';
import { validateDto } from '../../src/shared/http/validation.js';

/**
 * validateDto answers flat DTOs (query strings) without running validateSync when nothing is wrong; it must accept
 * exactly what class-validator itself accepts, and leave every rejection (and its wording) to class-validator.
 */
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true } as const;
const reference = (dto: new () => object, plain: object) => validateSync(plainToInstance(dto, plain), OPTIONS).length === 0;

class GuardedDto {
  @IsOptional()
  @IsIn(['a', 'b'])
  kind?: string;

  @ValidateIf((o: GuardedDto) => o.kind === 'a')
  @IsString()
  @Matches(/^x+$/)
  extra?: string;
}

class TransformedDto {
  @IsOptional()
  @Transform(({ value }) => (typeof value === 'string' ? value.toUpperCase() : value))
  @Matches(/^[A-Z]+$/)
  code?: string;
}

const cases: Array<[new () => object, object]> = [
  [PlaceControlQueryDto, {}],
  [PlaceControlQueryDto, { asOf: '2024-12-05' }],
  [PlaceControlQueryDto, { asOf: '2024-02-30' }],
  [PlaceControlQueryDto, { asOf: ['2024-12-05', '2024-12-06'] }],
  [PlaceControlQueryDto, { asOf: '' }],
  [PlaceControlQueryDto, { asOf: '2024-12-05', asAt: '42' }],
  [PlaceControlQueryDto, { asOf: '2024-12-05', asAt: '2024-12-05T10:00:00Z' }],
  [PlaceControlQueryDto, { asAt: 'yesterday' }],
  [PlaceControlQueryDto, { asAt: '-1' }],
  [PlaceControlQueryDto, { asOf: '2024-12-05', colour: 'red' }],
  [PlaceControlQueryDto, { asOf: null }],
  [ControlMapQueryDto, { asOf: '2024-12-05', factionId: 'hts' }],
  [ControlMapQueryDto, { factionId: 'HTS' }],
  [ControlMapQueryDto, { factionId: 'x'.repeat(500) }],
  [TimelineQueryDto, { from: '2024-01-01', to: '2024-12-31', placeId: 'hama', includeRetracted: 'true' }],
  [TimelineQueryDto, { includeRetracted: 'yes' }],
  [TimelineQueryDto, { personId: 'Bashar' }],
  [GuardedDto, { kind: 'b' }],
  [GuardedDto, { kind: 'a' }],
  [GuardedDto, { kind: 'a', extra: 'xx' }],
  [GuardedDto, { kind: 'a', extra: 'yy' }],
  [GuardedDto, { kind: 'c' }],
  [TransformedDto, { code: 'abc' }],
  [TransformedDto, { code: 'a-b' }],
];

describe('validateDto on flat DTOs', () => {
  it.each(cases)('%p %j: accepted exactly when class-validator accepts it', (dto, plain) => {
    const result = validateDto(dto, plain);
    expect(result.ok).toBe(reference(dto, plain));
    if (result.ok) {
      expect(result.value).toBeInstanceOf(dto);
      expect(result.value).toEqual(plainToInstance(dto, plain));
    }
  });

  it('names the field with class-validator wording when it refuses', () => {
    const result = validateDto(PlaceControlQueryDto, { asOf: '2024-02-30' });
    expect(result).toEqual({ ok: false, errors: [{ field: 'asOf', message: 'must be a date that exists, written YYYY-MM-DD' }] });
    const unknown = validateDto(PlaceControlQueryDto, { asOf: '2024-12-05', colour: 'red' });
    expect(unknown).toEqual({ ok: false, errors: [{ field: 'colour', message: 'unknown field (not part of this command)' }] });
    // Validated twice in a row: the answer does not depend on what was validated before.
    expect(validateDto(PlaceControlQueryDto, { asOf: '2024-02-30' })).toEqual(result);
  });
});

/**
 * Query strings skip class-transformer (validation.ts, onlyStrings): every query DTO the API declares must answer
 * exactly as the body path does, which runs plainToInstance. A class-transformer decorator on one (a @Transform that
 * trims, upper-cases or parses) would make these differ.
 */
const QUERY_DTOS: Array<new () => object> = [
  PlaceControlQueryDto,
  PlaceHistoryQueryDto,
  ControlMapQueryDto,
  OfficeHolderQueryDto,
  TermsQueryDto,
  TimelineQueryDto,
  ExplainAsAtQueryDto,
  ExplainAsOfQueryDto,
  ExplainMapQueryDto,
];
const SAMPLES = ['2024-12-05', ' 2024-12-05 ', '42', ' 42', 'true', 'TRUE', 'hts', ' HTS ', '', '2024-12-05T10:00:00Z', 'x'.repeat(300)];
const propertiesOf = (dto: new () => object) => [
  ...new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((metadata) => metadata.propertyName)),
];

describe('validateDto on query strings', () => {
  it.each(QUERY_DTOS.map((dto) => [dto.name, dto] as const))('%s answers as the body path does, whatever the strings', (_, dto) => {
    const properties = propertiesOf(dto);
    expect(properties.length).toBeGreaterThan(0);
    const plains: object[] = [{}, ...properties.flatMap((property) => SAMPLES.map((sample) => ({ [property]: sample })))];
    plains.push(Object.fromEntries(properties.map((property, i) => [property, SAMPLES[i % SAMPLES.length]])));
    for (const plain of plains) {
      const asQuery = validateDto(dto, plain, { queryString: true });
      expect(asQuery).toEqual(validateDto(dto, plain));
      if (asQuery.ok) expect(asQuery.value).toBeInstanceOf(dto);
    }
  });

  it('takes a repeated key (an array) and an inherited name through the body path, with its errors', () => {
    expect(validateDto(PlaceControlQueryDto, { asOf: ['2024-12-05', '2024-12-06'] }, { queryString: true })).toEqual(
      validateDto(PlaceControlQueryDto, { asOf: ['2024-12-05', '2024-12-06'] }),
    );
    const inherited = JSON.parse('{"asOf":"2024-12-05","constructor":"x"}') as object;
    expect(validateDto(PlaceControlQueryDto, inherited, { queryString: true })).toEqual({
      ok: false,
      errors: [{ field: 'constructor', message: 'unknown field (not part of this command)' }],
    });
  });
});
