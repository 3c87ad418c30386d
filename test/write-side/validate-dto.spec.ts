import 'reflect-metadata';
import { SeizeCityRequestDto } from '../../src/contexts/territory/http/dto/seize-city.request.dto.js';
import { RegisterPlaceRequestDto } from '../../src/contexts/territory/http/dto/register-place.request.dto.js';
import { AssumeOfficeRequestDto } from '../../src/contexts/leadership/http/dto/assume-office.request.dto.js';
import { CorrectFactRequestDto } from '../../src/contexts/audit/http/dto/correct-fact.request.dto.js';
import { MAX_NESTING_DEPTH, validateDto } from '../../src/shared/http/validation.js';

const seizure = () => ({
  placeId: 'hama',
  factionId: 'hts',
  occurred: { date: '2024-12-05', precision: 'day' },
  sources: [{ outlet: 'Reuters' }],
});

const fieldsOf = (body: unknown, dto: new () => object = SeizeCityRequestDto) => {
  const result = validateDto(dto, body);
  return result.ok ? [] : result.errors.map((e) => e.field);
};

describe('validateDto', () => {
  it('accepts a valid body and returns a DTO instance', () => {
    const result = validateDto(SeizeCityRequestDto, seizure());
    expect(result.ok).toBe(true);
    expect(result.ok && result.value).toBeInstanceOf(SeizeCityRequestDto);
  });

  it('names unknown fields, also nested ones', () => {
    expect(fieldsOf({ ...seizure(), colour: 'red' })).toEqual(['colour']);
    expect(fieldsOf({ ...seizure(), occurred: { date: '2024', precision: 'year', tz: 'x' } })).toEqual(['occurred.tz']);
    expect(fieldsOf({ ...seizure(), sources: [{ outlet: 'a' }, { outlet: 'b', rating: 5 }] })).toEqual(['sources[1].rating']);
  });

  it('rejects dates that do not exist or do not match the precision', () => {
    expect(fieldsOf({ ...seizure(), occurred: { date: '2024-02-30', precision: 'day' } })).toEqual(['occurred.date']);
    expect(fieldsOf({ ...seizure(), occurred: { date: '2024-02-29', precision: 'day' } })).toEqual([]);
    expect(fieldsOf({ ...seizure(), occurred: { date: '2023-02-29', precision: 'day' } })).toEqual(['occurred.date']);
    expect(fieldsOf({ ...seizure(), occurred: { date: '2024-12', precision: 'day' } })).toEqual(['occurred.date']);
    expect(fieldsOf({ ...seizure(), occurred: { date: '2024-12-05', precision: 'month' } })).toEqual(['occurred.date']);
    expect(fieldsOf({ ...seizure(), occurred: { date: '2024-13', precision: 'month' } })).toEqual(['occurred.date']);
    expect(fieldsOf({ ...seizure(), occurred: { date: '2024', precision: 'decade' } })).toEqual(['occurred.precision']);
    expect(fieldsOf({ ...seizure(), occurred: '2024-12-05' })).toContain('occurred');
  });

  it('requires sources, each with an outlet or a url', () => {
    expect(fieldsOf({ ...seizure(), sources: [] })).toEqual(['sources']);
    expect(fieldsOf({ ...seizure(), sources: undefined })).toContain('sources');
    expect(fieldsOf({ ...seizure(), sources: [{ note: 'heard it' }] })).toEqual(['sources[0].outlet']);
    expect(fieldsOf({ ...seizure(), sources: [{ url: 'https://example.org/a' }] })).toEqual([]);
    expect(fieldsOf({ ...seizure(), sources: [{ url: 'not a url' }] })).toEqual(['sources[0].url']);
    expect(fieldsOf({ ...seizure(), sources: ['Reuters'] })).toEqual(['sources']);
  });

  it('never converts JSON types', () => {
    expect(fieldsOf({ ...seizure(), factionId: 42 })).toEqual(['factionId']);
    expect(fieldsOf({ officeId: 'p', personId: 'x', acting: 'true', occurred: { date: '2000', precision: 'year' }, sources: [{ outlet: 'a' }] }, AssumeOfficeRequestDto)).toEqual(['acting']);
    expect(fieldsOf({ placeId: 'p', name: 'P', country: 'S', coordinates: { lat: '35', lon: 36 } }, RegisterPlaceRequestDto)).toEqual(['coordinates.lat']);
    expect(fieldsOf({ placeId: 'p', name: 'P', country: 'S', coordinates: { lat: 95, lon: 36 } }, RegisterPlaceRequestDto)).toEqual(['coordinates.lat']);
  });

  it('requires the path id when validating without a path (an import line)', () => {
    const { placeId: _omitted, ...line } = seizure();
    expect(fieldsOf(line)).toEqual(['placeId']);
  });

  it('checks slugs', () => {
    expect(fieldsOf({ ...seizure(), factionId: 'Bad Slug' })).toEqual(['factionId']);
    expect(fieldsOf({ ...seizure(), factionId: 'a--b' })).toEqual(['factionId']);
    expect(fieldsOf({ ...seizure(), factionId: 'a'.repeat(81) })).toEqual(['factionId']);
    expect(fieldsOf({ ...seizure(), factionId: 'a'.repeat(80) })).toEqual([]);
  });

  it('rejects a body that is not an object', () => {
    expect(fieldsOf([seizure()])).toEqual(['(body)']);
    expect(fieldsOf('x')).toEqual(['(body)']);
    expect(fieldsOf(null)).toEqual(['(body)']);
  });

  it('words messages with the field path', () => {
    const result = validateDto(SeizeCityRequestDto, { ...seizure(), occurred: { date: '2024-02-30', precision: 'day' }, x: 1 });
    expect(result.ok ? [] : result.errors).toEqual([
      { field: 'x', message: 'unknown field (not part of this command)' },
      { field: 'occurred.date', message: '2024-02-30 does not exist in the calendar' },
    ]);
  });

  it('names unknown fields named like members every object inherits, top level and nested', () => {
    const body = JSON.parse(`{"placeId":"hama","factionId":"hts","occurred":{"date":"2024-12-05","precision":"day","valueOf":1},
      "sources":[{"outlet":"R","constructor":"x"}],"toString":"x","hasOwnProperty":{"a":1},"__proto__":{"b":1}}`);
    expect(fieldsOf(body).sort()).toEqual(['__proto__', 'hasOwnProperty', 'occurred.valueOf', 'sources[0].constructor', 'toString']);
    expect(validateDto(SeizeCityRequestDto, { ...seizure(), constructor: 'x' })).toEqual({
      ok: false,
      errors: [{ field: 'constructor', message: 'unknown field (not part of this command)' }],
    });
    // Reported with the body's other errors.
    expect(fieldsOf({ ...seizure(), factionId: 42, toString: 'x' })).toEqual(['factionId', 'toString']);
  });

  /** `{"x": {"x": ... }}` with `levels` objects in all (the outermost included), ending in `leaf`. */
  const nest = (levels: number, leaf: unknown, key = 'x'): unknown => {
    let value: unknown = leaf;
    for (let i = 0; i < levels; i++) value = key === '[]' ? [value] : { [key]: value };
    return value;
  };
  const path = (count: number, key = 'x') => Array.from({ length: count }, () => key).join('.');

  it(`refuses objects and arrays nested more than ${MAX_NESTING_DEPTH} levels deep, naming the first field too deep`, () => {
    const deep = validateDto(SeizeCityRequestDto, { ...seizure(), extra: nest(2500, 1) });
    expect(deep).toEqual({
      ok: false,
      errors: [{ field: `extra.${path(MAX_NESTING_DEPTH - 1)}`, message: `nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep` }],
    });
    const arrays = validateDto(SeizeCityRequestDto, { ...seizure(), sources: nest(200_000, [], '[]') });
    expect(arrays.ok ? [] : arrays.errors.map((e) => e.field)).toEqual([`sources${'[0]'.repeat(MAX_NESTING_DEPTH - 1)}`]);
    const changes = validateDto(CorrectFactRequestDto, { eventId: '0b0e5a52-6c43-4c57-9d0a-6a1f3c1d7e21', changes: nest(5000, null, 'a'), reason: 'r', notice: 'n' });
    expect(changes.ok ? [] : changes.errors.map((e) => e.field)).toEqual([`changes.${path(MAX_NESTING_DEPTH - 1, 'a')}`]);
  });

  it(`accepts nesting up to ${MAX_NESTING_DEPTH} levels (and reports what is wrong there as usual)`, () => {
    // The body is level 1: `extra` holds MAX_NESTING_DEPTH - 1 more levels.
    expect(fieldsOf({ ...seizure(), extra: nest(MAX_NESTING_DEPTH - 1, 1) })).toEqual(['extra']);
    expect(fieldsOf({ ...seizure(), extra: nest(MAX_NESTING_DEPTH, 1) })).toEqual([`extra.${path(MAX_NESTING_DEPTH - 1)}`]);
  });
});
