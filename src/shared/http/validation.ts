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
 * rejected line reports the same errors the API would.
 */
export function validateDto<T extends object>(dto: new () => T, plain: unknown): DtoValidation<T> {
  if (typeof plain !== 'object' || plain === null || Array.isArray(plain)) {
    return { ok: false, errors: [{ field: '(body)', message: 'the body must be a JSON object' }] };
  }
  const value = plainToInstance(dto, plain, { enableImplicitConversion: false, exposeDefaultValues: false });
  if (passesFlatPlan(value)) return { ok: true, value };
  const errors = flatten(validateSync(value, VALIDATOR_OPTIONS));
  return errors.length === 0 ? { ok: true, value } : { ok: false, errors };
}

/** Like validateDto, but throws the DomainError (VALIDATION.FAILED, 400) both the API and the import report. */
export function assertValidDto<T extends object>(dto: new () => T, plain: unknown): T {
  const result = validateDto(dto, plain);
  if (!result.ok) throw validationErrors(result.errors);
  return result.value;
}

type ValidationMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidationMetadatas']>[number];
type ConstraintMetadata = ReturnType<ReturnType<typeof getMetadataStorage>['getTargetValidatorConstraints']>[number];

/** One property of a flat DTO: its conditions (IsOptional, ValidateIf) and its rules, in class-validator's order. */
interface FlatProperty {
  name: string;
  conditions: ValidationMetadata[];
  rules: Array<{ metadata: ValidationMetadata; constraints: ConstraintMetadata[] }>;
}

/** null: the class is not flat (nested, IsDefined, `each`, async rules…), validateSync always decides. */
const FLAT_PLANS = new WeakMap<object, { names: Set<string>; properties: FlatProperty[] } | null>();

function flatPlanOf(target: object): { names: Set<string>; properties: FlatProperty[] } | null {
  let plan = FLAT_PLANS.get(target);
  if (plan !== undefined) return plan;
  const storage = getMetadataStorage();
  // The metadata validateSync itself uses with VALIDATOR_OPTIONS (no groups, `always` unset, not strict).
  const metadatas = storage.getTargetValidationMetadatas(target as new () => object, '', false, false, undefined);
  const flat =
    metadatas.length > 0 &&
    metadatas.every(
      (m) =>
        !m.each &&
        (m.type === ValidationTypes.CONDITIONAL_VALIDATION ||
          (m.type === ValidationTypes.CUSTOM_VALIDATION && storage.getTargetValidatorConstraints(m.constraintCls).every((c) => !c.async))),
    );
  if (flat) {
    const byName = new Map<string, FlatProperty>();
    for (const m of metadatas) {
      const property = byName.get(m.propertyName) ?? { name: m.propertyName, conditions: [], rules: [] };
      byName.set(m.propertyName, property);
      if (m.type === ValidationTypes.CONDITIONAL_VALIDATION) property.conditions.push(m);
      else property.rules.push({ metadata: m, constraints: storage.getTargetValidatorConstraints(m.constraintCls) });
    }
    plan = { names: new Set(byName.keys()), properties: [...byName.values()] };
  } else plan = null;
  FLAT_PLANS.set(target, plan);
  return plan;
}

/**
 * The success path of validateSync for flat DTOs (query strings: optional scalar fields with synchronous rules),
 * without its per-call metadata lookups and error objects: true only when validateSync would report no error (no
 * unknown field; every rule of every property its conditions let through passes). Anything else — including every
 * failure — returns false and validateSync runs, so errors and their wording come from class-validator alone.
 */
function passesFlatPlan(object: object): boolean {
  const plan = flatPlanOf(object.constructor);
  if (plan === null) return false;
  const record = object as Record<string, unknown>;
  for (const key of Object.keys(record)) if (!plan.names.has(key)) return false;
  for (const { name, conditions, rules } of plan.properties) {
    const value = record[name];
    let applies = true;
    for (const condition of conditions) applies = (condition.constraints[0] as (o: object, v: unknown) => boolean)(object, value) && applies;
    if (!applies) continue;
    for (const { metadata, constraints } of rules) {
      if (metadata.validateIf && !metadata.validateIf(object, value)) continue;
      const args: ValidationArguments = { targetName: object.constructor.name, property: name, object, value, constraints: metadata.constraints };
      for (const constraint of constraints) {
        const valid: unknown = constraint.instance.validate(value, args);
        if (valid !== true) return false;
      }
    }
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
  if (match) return 'unknown field (not part of this command)';
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
      return assertValidDto(metadata.metatype, value);
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
