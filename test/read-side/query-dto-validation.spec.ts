import 'reflect-metadata';
import { plainToInstance, Transform } from 'class-transformer';
import { IsIn, IsOptional, IsString, Matches, ValidateIf, validateSync } from 'class-validator';
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
