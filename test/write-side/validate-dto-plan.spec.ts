import 'reflect-metadata';
import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import fs from 'node:fs';
import { commandCatalog } from '../../src/contexts/command-catalog.js';
import { seedFilePath } from '../../src/import/seed.js';
import { validateDto } from '../../src/shared/http/validation.js';
import { buildMessyDataset } from '../support/messy-dataset.js';

/**
 * validateDto answers "valid" from a plan of each DTO's rules without calling validateSync; it must agree with
 * class-validator itself (same options as the API) on every body: here, every command line of the seed and of a messy
 * dataset, and each of them changed at every path (field removed, null, wrong JSON types, empty, unknown fields).
 */
const OPTIONS = { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true, stopAtFirstError: true } as const;
const REPLACEMENTS: unknown[] = [null, 42, -1, '', 'x', 'a'.repeat(5001), true, {}, [], [1], [{}], ['x'], { outlet: 'a' }, '2024-02-30', '2024'];

type Json = Record<string, unknown> | unknown[];

function paths(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  if (typeof value !== 'object' || value === null) return [];
  const keys = Array.isArray(value) ? value.map((_, i) => i) : Object.keys(value);
  return keys.flatMap((key) => [[...prefix, key], ...paths((value as Record<string | number, unknown>)[key], [...prefix, key])]);
}

function changed(body: Json, path: (string | number)[], change: (parent: Record<string | number, unknown>, key: string | number) => void): Json {
  const copy = structuredClone(body) as Json;
  let parent = copy as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  change(parent, path[path.length - 1]);
  return copy;
}

function variants(body: Json): Json[] {
  const out: Json[] = [body, { ...(body as object), unknownField: 1 }];
  for (const path of paths(body)) {
    out.push(changed(body, path, (parent, key) => delete parent[key]));
    for (const replacement of REPLACEMENTS) out.push(changed(body, path, (parent, key) => (parent[key] = structuredClone(replacement))));
    const value = path.reduce<unknown>((v, key) => (v as Record<string | number, unknown>)[key], body);
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      out.push(changed(body, path, (parent, key) => ((parent[key] as Record<string, unknown>).unknownField = 'x')));
    }
  }
  return out;
}

const lines = [
  ...fs
    .readFileSync(seedFilePath(), 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))
    .map((line) => JSON.parse(line) as { type: string }),
  ...buildMessyDataset({ seed: 3, places: 6, offices: 3 }).lines,
];
// Corrections name an event: neither dataset has them.
const eventId = '0b0e5a52-6c43-4c57-9d0a-6a1f3c1d7e21';
lines.push(
  { type: 'CorrectFact', eventId, changes: { occurred: { date: '2024-12-06', precision: 'day' } }, reason: 'wrong day', notice: 'Corrected.' } as { type: string },
  { type: 'RetractFact', eventId, reason: 'hoax', notice: 'Withdrawn.' } as { type: string },
);
const byType = new Map<string, Record<string, unknown>[]>();
for (const { type, ...body } of lines as Array<{ type: string } & Record<string, unknown>>) {
  const bodies = byType.get(type) ?? [];
  if (bodies.length < 4) bodies.push(body);
  byType.set(type, bodies);
}

describe('validateDto against class-validator itself', () => {
  it('has lines of every command type of the catalog', () => {
    expect(Object.keys(commandCatalog).filter((type) => !byType.has(type))).toEqual([]);
  });

  it.each(Object.keys(commandCatalog).filter((type) => byType.has(type)))('%s: agrees on every variant of the lines', (type) => {
    const dto = commandCatalog[type].dto;
    let valid = 0;
    let checked = 0;
    for (const body of byType.get(type)!) {
      for (const variant of variants(body)) {
        const expected = validateSync(plainToInstance(dto, variant, { enableImplicitConversion: false, exposeDefaultValues: false }), OPTIONS).length === 0;
        const actual = validateDto(dto, variant).ok;
        if (actual !== expected) throw new Error(`${type}: validateDto says ${actual}, class-validator ${expected}, for ${JSON.stringify(variant)}`);
        checked++;
        if (expected) valid++;
      }
    }
    // Both answers occur: the comparison is not between two constant functions.
    expect(valid).toBeGreaterThan(0);
    expect(checked - valid).toBeGreaterThan(0);
  });
});
