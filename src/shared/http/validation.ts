import { type ArgumentMetadata, Injectable, type PipeTransform } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { getMetadataStorage, type ValidationArguments, type ValidationError, ValidationTypes, validateSync } from 'class-validator';
import { type FieldError, validationErrors } from '../domain/domain-error.js';

export type DtoValidation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

const VALIDATOR_OPTIONS = {
  whitelist: true,
  forbidNonWhitelisted: true,
  forbidUnknownValues: true,
  stopAtFirstError: true,
  validationError: { target: false, value: false },
} as const;

/**
 * Validates a plain JSON value against a class-validator DTO, exactly as the HTTP API does: unknown fields are
 * errors, JSON types are never converted ("12" is not a number), and every error names its field with a path
 * (`sources[0].outlet`, `occurred.date`). The import calls this per NDJSON line (after removing its `type`) so a
 * rejected line reports the same errors the API would. `queryString`: the value is a parsed query string (see
 * onlyStrings).
 */
export function validateDto<T extends object>(dto: new () => T, plain: unknown, options: { queryString?: boolean } = {}): DtoValidation<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ field: '(body)', message: 'the body must be a JSON object' }] };
  }
  const shape: FieldError[] = [];
  if (!scanShape(plain, 1, [], shape)) return { ok: false, errors: shape };
  const value =
    options.queryString && shape.length === 0 && onlyStrings(plain)
      ? Object.assign(new dto(), plain)
      : plainToInstance(dto, plain, { enableImplicitConversion: false, exposeDefaultValues: false });
  if (shape.length === 0 && passesPlan(value)) return { ok: true, value };
  const errors = [...flatten(validateSync(value, VALIDATOR_OPTIONS)), ...shape];
  return errors.length === 0 ? { ok: true, value } : { ok: false, errors };
}

/**
 * How deep objects and arrays may nest in a command body (the body itself is level 1). The deepest valid body, a
 * correction's `changes.sources[0]`, is level 4; class-transformer recurses once per level and overflows the stack
 * (a 500) a few thousand levels down, so deeper bodies are refused before it runs (README "Errors").
 */
export const MAX_NESTING_DEPTH = 16;

/**
 * Keys every object inherits (`constructor`, `toString`, `__proto__`…). class-transformer skips them, so neither
 * passesPlan nor class-validator would ever see such a field: it would be accepted and silently dropped. No DTO
 * declares one, so each is an unknown field.
 */
const INHERITED_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype));

const UNKNOWN_FIELD = 'unknown field (not part of this command)';

/**
 * What class-transformer cannot be trusted with, found in one walk of the plain body before it runs: inherited
 * names (pushed to `errors`, the walk goes on) and nesting beyond MAX_NESTING_DEPTH (pushed, and false: the body
 * must not reach class-transformer). The path is only built for an error, so a valid body costs one visit per
 * object and array (well under a microsecond for a seizure).
 */
function scanShape(value: unknown, depth: number, path: Array<string | number>, errors: FieldError[]): boolean {
  if (depth > MAX_NESTING_DEPTH) {
    errors.splice(0, errors.length, { field: pathText(path), message: `nests objects and arrays more than ${MAX_NESTING_DEPTH} levels deep` });
    return false;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (typeof item !== 'object' || item === null) continue;
      path.push(i);
      const ok = scanShape(item, depth + 1, path, errors);
      path.pop();
      if (!ok) return false;
    }
    return true;
  }
  for (const key of Object.keys(value as object)) {
    path.push(key);
    if (INHERITED_NAMES.has(key)) errors.push({ field: pathText(path), message: UNKNOWN_FIELD });
    const item = (value as Record<string, unknown>)[key];
    const ok = typeof item !== 'object' || item === null || scanShape(item, depth + 1, path, errors);
    path.pop();
    if (!ok) return false;
  }
  return true;
}

/** `['sources', 0, 'outlet']` → `sources[0].outlet`, as flatten names class-validator's errors. */
const pathText = (path: ReadonlyArray<string | number>): string =>
  path.reduce<string>((text, segment) => (typeof segment === 'number' ? `${text}[${segment}]` : text ? `${text}.${segment}` : segment), '');

/**
 * Query strings skip class-transformer. A query DTO declares string properties with no class-transformer decorator
 * (`@Type`, `@Transform`, `@Expose`, `@Exclude`): a query string holds only strings, and it is validated as it came.
 * plainToInstance would only copy the values into the class. Skipping it took ~13 µs off a ~95 µs query on the API's
 * thread (docs/performance.md, session 7). Values that are not all strings (a repeated key gives an array), or an
 * inherited name as a key, go through plainToInstance as a body does. test/read-side/query-dto-validation.spec.ts
 * holds every query DTO to this.
 */
function onlyStrings(plain: object): boolean {
  for (const value of Object.values(plain)) if (typeof value !== 'string') return false;
  return true;
}

/** Like validateDto, but throws the DomainError (VALIDATION.FAILED, 400) both the API and the import report. */
export function assertValidDto<T extends object>(dto: new () => T, plain: unknown, options: { queryString?: boolean } = {}): T {
  const result = validateDto(dto, plain, options);
  if (!result.ok) throw validationErrors(result.errors);
  return result.value;
}

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
type ConstraintMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidatorConstraints']>[number];

interface Rule {
  metadata: ValidationMetadata;
  constraints: ConstraintMetadata[];
}

/** One property of a DTO: its conditions (IsOptional, ValidateIf), IsDefined, its rules and whether it nests. */
interface PlannedProperty {
  name: string;
  conditions: ValidationMetadata[];
  defined: Rule[];
  rules: Rule[];
  nested: boolean;
}

interface Plan {
  /** Every property with metadata: any other own property of the object is an unknown field. */
  names: Set<string>;
  properties: PlannedProperty[];
}

/** null: the class uses something the plan does not follow (promises, async rules…), validateSync always decides. */
const PLANS = new WeakMap<object, Plan | null>();
const PLANNED_TYPES = new Set<string>([
  ValidationTypes.CONDITIONAL_VALIDATION,
  ValidationTypes.IS_DEFINED,
  ValidationTypes.CUSTOM_VALIDATION,
  ValidationTypes.NESTED_VALIDATION,
  ValidationTypes.WHITELIST,
]);

function planOf(target: object): Plan | null {
  let plan = PLANS.get(target);
  if (plan !== undefined) return plan;
  const storage = getMetadataStorage();
  // The metadata validateSync itself uses with VALIDATOR_OPTIONS (no groups, `always` unset, not strict; this app
  // registers no schemas by name, so a nested object's lookup finds its own class's metadata the same way).
  const metadatas = storage.getTargetValidationMetadatas(target as new () => object, '', false, false, undefined);
  const rule = (m: ValidationMetadata): Rule => ({ metadata: m, constraints: storage.getTargetValidatorConstraints(m.constraintCls) });
  const followed =
    metadatas.length > 0 &&
    metadatas.every(
      (m) =>
        PLANNED_TYPES.has(m.type) &&
        ((m.type !== ValidationTypes.CUSTOM_VALIDATION && m.type !== ValidationTypes.IS_DEFINED) ||
          storage.getTargetValidatorConstraints(m.constraintCls).every((c) => !c.async)),
    );
  if (followed) {
    const byName = new Map<string, PlannedProperty>();
    for (const m of metadatas) {
      const property = byName.get(m.propertyName) ?? { name: m.propertyName, conditions: [], defined: [], rules: [], nested: false };
      byName.set(m.propertyName, property);
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) property.conditions.push(m);
      else if (m.type === ValidationTypes.IS_DEFINED) property.defined.push(rule(m));
      else if (m.type === ValidationTypes.CUSTOM_VALIDATION) property.rules.push(rule(m));
      else if (m.type === ValidationTypes.NESTED_VALIDATION) property.nested = true;
    }
    plan = { names: new Set(byName.keys()), properties: [...byName.values()] };
  } else plan = null;
  PLANS.set(target, plan);
  return plan;
}

/** Every rule passes as class-validator runs it: per element for `each` rules on arrays; a non-true answer fails. */
function rulesPass(object: object, name: string, value: unknown, rules: readonly Rule[]): boolean {
  for (const { metadata, constraints } of rules) {
    if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
    if (metadata.each && (value instanceof Set || value instanceof Map)) return false;
    const args: ValidationArguments = { targetName: object.constructor.name, property: name, object, value, constraints: metadata.constraints };
    const values: unknown[] = metadata.each && Array.isArray(value) ? value : [value];
    for (const constraint of constraints) {
      for (const item of values) if (constraint.instance.validate(item, args) !== true) return false;
    }
  }
  return true;
}

/** A nested value as class-validator walks it: undefined passes, arrays element by element, objects by their plan. */
function nestedPasses(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.every(nestedPasses);
  if (value instanceof Set || value instanceof Map) return false;
  return value instanceof Object && passesPlan(value);
}

/**
 * The success path of validateSync (with VALIDATOR_OPTIONS) without its per-call metadata lookups and error
 * objects: true only when validateSync would report no error (no unknown field at any depth; every rule of every
 * property its conditions let through passes; nested objects and arrays of them pass the same way). Anything else,
 * every failure included, returns false and validateSync runs, so errors and their wording come from class-validator
 * alone. A DTO with a nested body (SeizeCity: occurred, sources[]) cost ~200 us in validateSync, most of it metadata
 * lookups over every DTO of the app.
 */
function passesPlan(object: object): boolean {
  const plan = planOf(object.constructor);
  if (plan === null) return false;
  const record = object as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!plan.names.has(key)) return false;
  for (const { name, conditions, defined, rules, nested } of plan.properties) {
    const value = record[name];
    let applies = true;
    for (const condition of conditions) applies = (condition.constraints[0] as (o: object, v: unknown) => boolean)(object, value) && applies;
    if (!applies) continue;
    if (!rulesPass(object, name, value, defined) || !rulesPass(object, name, value, rules)) return false;
    if (nested && !nestedPasses(value)) return false;
  }
  return true;
}

function flatten(errors: ValidationError[], parentPath = '', parentIsArray = false): FieldError[] {
  return errors.flatMap((error) => {
    const path = !parentPath
      ? error.property
      : parentIsArray && /^\d+$/.test(error.property)
        ? `${parentPath}[${error.property}]`
        : `${parentPath}.${error.property}`;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field: path, message: rewrite(message, path) }));
    // The nested object's own rule (e.g. "must be an object") suffices; its children would repeat it.
    const children = error.children?.length ? flatten(error.children, path, Array.isArray(error.value) || isIndexed(error)) : [];
    return [...own, ...children];
  });
}

const isIndexed = (error: ValidationError) => (error.children ?? []).every((child) => /^\d+$/.test(child.property));

/** class-validator words messages after the bare property ("name must be a string"); name the full path instead. */
function rewrite(message: string, path: string): string {
  const match = /^property (\S+) should not exist$/.exec(message);
  if (match) return UNKNOWN_FIELD;
  if (message.endsWith(' should not be null or undefined')) return 'is required';
  const property = path.replace(/^.*[.\]]/, '').replace(/\[\d+\]$/, '');
  if (message.startsWith(`${property} `)) return message.slice(property.length + 1);
  if (message.startsWith(`each value in ${property} `)) return `each value ${message.slice(`each value in ${property} `.length)}`;
  return message;
}

const PRIMITIVES = new Set<unknown>([String, Number, Boolean, Array, Object]);

/** Classes already seen to carry validation metadata (decorators register it once, at class definition; never removed). */
const DTO_CLASSES = new WeakSet<object>();

function isDtoClass(metatype: unknown): metatype is new () => object {
  if (typeof metatype !== 'function' || PRIMITIVES.has(metatype)) return false;
  if (DTO_CLASSES.has(metatype)) return true;
  const isDto = getMetadataStorage().getTargetValidationMetadatas(metatype, '', true, false).length > 0;
  if (isDto) DTO_CLASSES.add(metatype);
  return isDto;
}

/**
 * The global pipe: bodies (and any param typed with a class-validator DTO) go through validateDto; failures are a
 * DomainError that the ProblemDetailsFilter renders as 400 problem+json with `errors`. Path and query strings are
 * only converted for `number`/`boolean` parameters, as Nest's own ValidationPipe does.
 */
@Injectable()
export class DtoValidationPipe implements PipeTransform {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (isDtoClass(metadata.metatype)) {
      if (metadata.type !== 'body' && metadata.type !== 'custom' && (value === undefined || value === null)) value = {};
      return assertValidDto(metadata.metatype, value, { queryString: metadata.type === 'query' });
    }
    if ((metadata.type === 'param' || metadata.type === 'query') && typeof value === 'string') {
      if (metadata.metatype === Number) return value === '' ? undefined : Number(value);
      if (metadata.metatype === Boolean) return value === 'true' ? true : value === 'false' ? false : value;
    }
    return value;
  }
}

export function createValidationPipe(): PipeTransform {
  return new DtoValidationPipe();
}
