import { BACKWARDS, END, type EventStoreDBClient, FORWARDS, START, StreamNotFoundError } from '@eventstore/db-client';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type ImportProgress, ImportService } from '../../src/import/import.service.js';
import { lineKey } from '../../src/import/ndjson.js';
import { seedFilePath, seedIfEmpty } from '../../src/import/seed.js';
import { EVENT_STORE_CLIENT } from '../../src/infrastructure/event-store/event-store.module.js';
import { StreamNames } from '../../src/shared/domain/stream-names.js';
import { MAX_NESTING_DEPTH } from '../../src/shared/http/validation.js';
import { type ImportContext, startImportContext } from './import-context.js';

const SOURCE = { outlet: 'Import spec' };

const day = (date: string) => ({ date, precision: 'day' });

/** The seed's command lines, parsed (comments and blank lines left out). */
function seedCommands(): Record<string, unknown>[] {
  return fs
    .readFileSync(seedFilePath(), 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

async function headPosition(client: EventStoreDBClient): Promise<bigint | undefined> {
  let head: bigint | undefined;
  // Read to the end, never `break`: see ImportService.hasUserEvents.
  for await (const resolved of client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })) head = resolved.commitPosition;
  return head;
}

async function userEventCount(client: EventStoreDBClient): Promise<number> {
  let count = 0;
  for await (const resolved of client.readAll({ direction: FORWARDS, fromPosition: START })) {
    if (resolved.event && !resolved.event.type.startsWith('$') && !resolved.event.streamId.startsWith('$')) count += 1;
  }
  return count;
}

async function readStream(client: EventStoreDBClient, stream: string) {
  const events = [];
  for await (const resolved of client.readStream(stream)) if (resolved.event) events.push(resolved.event);
  return events;
}

describe('NDJSON import (ImportService in the app as the CLI boots it, on the embedded event store)', () => {
  let t: ImportContext;
  let importer: ImportService;
  let client: EventStoreDBClient;
  let dir: string;

  beforeEach(async () => {
    t = await startImportContext();
    importer = t.app.get(ImportService);
    client = t.app.get<EventStoreDBClient>(EVENT_STORE_CLIENT);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dateline-import-'));
  });

  afterEach(async () => {
    await t.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const writeFile = (name: string, lines: string[]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, lines.join('\n'));
    return file;
  };

  it('imports every line of the Hama seed into a fresh store, with import metadata on each event', async () => {
    const commands = seedCommands();
    const progress: ImportProgress[] = [];

    const summary = await importer.importFile(seedFilePath(), { onProgress: (p) => progress.push(p) });

    expect(summary.rejected).toEqual([]);
    expect(summary).toMatchObject({ source: 'hama.ndjson', total: commands.length, imported: commands.length, unchanged: 0 });
    expect(progress.map((p) => p.done)).toEqual(commands.map((_, i) => i + 1));
    expect(progress.every((p) => p.total === commands.length && p.outcome === 'imported')).toBe(true);
    expect(await userEventCount(client)).toBe(commands.length);

    const hama = await readStream(client, StreamNames.place('hama'));
    expect(hama.map((e) => e.type)).toEqual(['PlaceRegistered', 'CitySeized']);
    const seizure = hama[1];
    expect(seizure.data).toMatchObject({
      placeId: 'hama',
      factionId: 'hts',
      fromFactionId: 'syrian-government',
      occurred: { date: '2024-12-05', precision: 'day' },
    });
    const seizureLine = commands.find((c) => c.type === 'SeizeCity' && c.placeId === 'hama');
    const key = lineKey(seizureLine);
    expect(seizure.metadata).toMatchObject({
      actor: 'import:hama.ndjson',
      causationId: key,
      idempotencyKey: key,
      commandType: 'SeizeCity',
    });
    expect((seizure.metadata as { correlationId: string }).correlationId).toMatch(/^[0-9a-f-]{36}$/);

    const president = await readStream(client, StreamNames.office('president-of-syria'));
    expect(president.map((e) => [e.type, (e.data as { personId?: string }).personId])).toEqual([
      ['OfficeEstablished', undefined],
      ['OfficeAssumed', 'hafez-al-assad'],
      ['OfficeLeft', 'hafez-al-assad'],
      ['OfficeAssumed', 'bashar-al-assad'],
    ]);
    expect((await readStream(client, StreamNames.statue('hafez-al-assad-statue-hama'))).map((e) => e.type)).toEqual(['StatueToppled']);
    expect((await readStream(client, StreamNames.statement('jawlani-hama-cleanse-the-wound'))).map((e) => e.type)).toEqual([
      'StatementIssued',
    ]);
  });

  it('appends nothing when the same file is imported again', async () => {
    const first = await importer.importFile(seedFilePath());
    expect(first.rejected).toEqual([]);
    const head = await headPosition(client);
    const count = await userEventCount(client);
    const hamaRevision = (await readStream(client, StreamNames.place('hama'))).at(-1)?.revision;

    const second = await importer.importFile(seedFilePath());

    expect(second).toMatchObject({ total: first.total, imported: 0, unchanged: first.total, rejected: [] });
    expect(await headPosition(client)).toBe(head);
    expect(await userEventCount(client)).toBe(count);
    expect((await readStream(client, StreamNames.place('hama'))).at(-1)?.revision).toBe(hamaRevision);
  });

  it('recognises a command reformatted or repeated in another file as already imported', async () => {
    await importer.importText('{"type":"RegisterFaction","factionId":"rebels-r","name":"Rebels R"}', 'a.ndjson');
    const head = await headPosition(client);

    const summary = await importer.importText(
      ['{ "name": "Rebels R",  "factionId": "rebels-r", "type": "RegisterFaction" }', '{"type":"RegisterFaction","factionId":"rebels-r","name":"Rebels R"}'].join(
        '\n',
      ),
      'b.ndjson',
    );

    expect(summary).toMatchObject({ total: 2, imported: 0, unchanged: 2, rejected: [] });
    expect(await headPosition(client)).toBe(head);
  });

  it('reports each broken line with its number and the API error, and still imports the others', async () => {
    const file = writeFile('broken.ndjson', [
      /* 1 */ '# lines 4, 5, 6, 7, 9, 10 and 11 are broken on purpose',
      /* 2 */ '{"type":"RegisterFaction","factionId":"rebels-b","name":"Rebels B"}',
      /* 3 */ '',
      /* 4 */ '{"type":"RegisterFaction","factionId":"oops"',
      /* 5 */ '{"type":"DeclareVictory","factionId":"rebels-b"}',
      /* 6 */ '{"type":"RegisterPlace","placeId":"Idlib City","name":"Idlib","country":"Syria"}',
      /* 7 */ JSON.stringify({ type: 'SeizeCity', placeId: 'nowhere-b', factionId: 'rebels-b', occurred: day('2024-12-01'), sources: [SOURCE] }),
      /* 8 */ '{"type":"RegisterPlace","placeId":"idlib-b","name":"Idlib","country":"Syria","kind":"city"}',
      /* 9 */ JSON.stringify({ type: 'SeizeCity', placeId: 'idlib-b', factionId: 'nobody-b', occurred: day('2024-12-01'), sources: [SOURCE] }),
      /* 10 */ '[1, 2]',
      /* 11 */ '{"factionId":"rebels-b","name":"Rebels B"}',
      /* 12 */ '   # an indented comment',
      /* 13 */ JSON.stringify({ type: 'SeizeCity', placeId: 'idlib-b', factionId: 'rebels-b', occurred: day('2024-12-01'), sources: [SOURCE] }),
      /* 14 */ JSON.stringify({ type: 'SeizeCity', placeId: 'idlib-b', factionId: 'rebels-b', occurred: { date: '2024-02-30', precision: 'day' }, sources: [] }),
    ]);

    const summary = await importer.importFile(file);

    expect(summary).toMatchObject({ total: 11, imported: 3, unchanged: 0 });
    const rejected = new Map(summary.rejected.map((r) => [r.line, r]));
    expect([...rejected.keys()]).toEqual([4, 5, 6, 7, 9, 10, 11, 14]);
    const fields = (line: number) => (rejected.get(line)?.error.errors ?? []).map((e) => e.field);

    expect(rejected.get(4)).toMatchObject({ type: null, error: { status: 400, code: 'REQUEST.MALFORMED_JSON' } });
    expect(rejected.get(5)).toMatchObject({ type: 'DeclareVictory', error: { status: 400, code: 'IMPORT.UNKNOWN_COMMAND_TYPE' } });
    expect(fields(5)).toEqual(['type']);
    expect(rejected.get(6)).toMatchObject({ type: 'RegisterPlace', error: { status: 400, code: 'VALIDATION.FAILED' } });
    expect(fields(6)).toEqual(['placeId']);
    expect(rejected.get(7)).toMatchObject({ type: 'SeizeCity', error: { status: 404 } });
    expect(fields(7)).toEqual(['placeId']);
    expect(rejected.get(9)).toMatchObject({ type: 'SeizeCity', error: { status: 422 } });
    expect(fields(9)).toEqual(['factionId']);
    expect(rejected.get(10)).toMatchObject({ type: null, error: { status: 400, code: 'IMPORT.NOT_A_COMMAND' } });
    expect(rejected.get(11)).toMatchObject({ type: null, error: { status: 400, code: 'IMPORT.UNKNOWN_COMMAND_TYPE' } });
    expect(fields(11)).toEqual(['type']);
    expect(rejected.get(14)).toMatchObject({ type: 'SeizeCity', error: { status: 400, code: 'VALIDATION.FAILED' } });
    expect(fields(14)).toEqual(expect.arrayContaining(['occurred.date', 'sources']));

    // The good lines went in: the faction, the place and its seizure.
    expect((await readStream(client, StreamNames.faction('rebels-b'))).map((e) => e.type)).toEqual(['FactionRegistered']);
    expect((await readStream(client, StreamNames.place('idlib-b'))).map((e) => e.type)).toEqual(['PlaceRegistered', 'CitySeized']);
    // Rejected lines appended nothing.
    await expect(readStream(client, StreamNames.place('nowhere-b'))).rejects.toBeInstanceOf(StreamNotFoundError);
    expect(await userEventCount(client)).toBe(3);
  });

  it('rejects lines nested past the limit or with inherited-name fields, naming the field, like the API', async () => {
    const seizure = (extra: string) => `{"type":"SeizeCity","placeId":"hama-n","factionId":"rebels-n","occurred":{"date":"2024-12-01","precision":"day"},"sources":[{"outlet":"Import spec"}]${extra}}`;
    const file = writeFile('nested.ndjson', [
      /* 1 */ '{"type":"RegisterFaction","factionId":"rebels-n","name":"Rebels N"}',
      /* 2 */ seizure(`,"extra":${'{"x":'.repeat(2500)}1${'}'.repeat(2500)}`),
      /* 3 */ seizure(`,"aliases":${'['.repeat(200_000)}${']'.repeat(200_000)}`),
      /* 4 */ '{"type":"RegisterFaction","factionId":"rebels-m","name":"Rebels M","constructor":"x","aliases":["a"]}',
    ]);

    const summary = await importer.importFile(file);

    expect(summary).toMatchObject({ total: 4, imported: 1 });
    const rejected = new Map(summary.rejected.map((r) => [r.line, r]));
    expect([...rejected.keys()]).toEqual([2, 3, 4]);
    const fields = (line: number) => (rejected.get(line)?.error.errors ?? []).map((e) => e.field);
    const deep = (prefix: string, segment: string) => prefix + segment.repeat(MAX_NESTING_DEPTH - 1);
    expect(rejected.get(2)).toMatchObject({ type: 'SeizeCity', error: { status: 400, code: 'VALIDATION.FAILED' } });
    expect(fields(2)).toEqual([deep('extra', '.x')]);
    expect(fields(3)).toEqual([deep('aliases', '[0]')]);
    expect(rejected.get(4)).toMatchObject({ type: 'RegisterFaction', error: { status: 400, code: 'VALIDATION.FAILED' } });
    expect(fields(4)).toEqual(['constructor']);
    expect(await userEventCount(client)).toBe(1);
  });

  it('ignores blank and comment lines entirely', async () => {
    const summary = await importer.importText(['', '# only comments', '   ', '\t# and blanks', ''].join('\n'), 'empty.ndjson');
    expect(summary).toMatchObject({ total: 0, imported: 0, unchanged: 0, rejected: [] });
    expect(await userEventCount(client)).toBe(0);
  });

  it('stops starting lines when its signal is aborted, and finishes those already started', async () => {
    const aborter = new AbortController();
    // Lines on one faction run one after another, so the abort lands between two of them.
    const lines = [
      '{"type":"RegisterFaction","factionId":"rebels-s1","name":"S1"}',
      ...Array.from({ length: 200 }, (_, i) => `{"type":"RegisterPlace","placeId":"abort-${i}","name":"P${i}","country":"Syria"}`),
    ];
    const summary = await importer.importText(lines.join('\n'), 'abort.ndjson', {
      signal: aborter.signal,
      onProgress: () => aborter.abort(),
    });
    expect(summary.aborted).toBe(true);
    expect(summary.imported).toBeGreaterThanOrEqual(1);
    expect(summary.imported).toBeLessThan(201);
    expect(await userEventCount(client)).toBe(summary.imported);
  });

  it('keeps file order for lines that name the same ids while running the others concurrently', async () => {
    const lines = [
      '{"type":"RegisterFaction","factionId":"order-a","name":"A"}',
      '{"type":"RegisterFaction","factionId":"order-b","name":"B"}',
      '{"type":"RegisterPlace","placeId":"order-city","name":"City","country":"Syria"}',
      ...Array.from({ length: 30 }, (_, i) =>
        JSON.stringify({
          type: 'SeizeCity',
          placeId: 'order-city',
          factionId: i % 2 === 0 ? 'order-a' : 'order-b',
          occurred: { date: `2020-01-${String(i + 1).padStart(2, '0')}`, precision: 'day' },
          sources: [{ outlet: 'Wire' }],
        }),
      ),
    ];
    const summary = await importer.importText(lines.join('\n'), 'order.ndjson');
    expect(summary).toMatchObject({ total: 33, imported: 33, rejected: [] });
    const dates: string[] = [];
    for await (const resolved of client.readStream('city-order-city')) {
      const data = resolved.event?.data as { occurred?: { date: string } };
      if (resolved.event?.type === 'CitySeized') dates.push(data.occurred!.date);
    }
    expect(dates).toEqual(Array.from({ length: 30 }, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`));
  });

  describe('seedIfEmpty', () => {
    it('imports the Hama story into an empty store, once', async () => {
      const first = await seedIfEmpty(t.app);
      expect(first).toMatchObject({ source: 'hama.ndjson', rejected: [] });
      expect(first?.imported).toBe(seedCommands().length);
      const head = await headPosition(client);

      expect(await seedIfEmpty(t.app)).toBeNull();
      expect(await headPosition(client)).toBe(head);
    });

    it('leaves a store that already holds other events alone', async () => {
      await importer.importText('{"type":"RegisterFaction","factionId":"desk-own","name":"Desk own"}', 'own.ndjson');

      expect(await seedIfEmpty(t.app)).toBeNull();
      await expect(readStream(client, StreamNames.faction('hts'))).rejects.toBeInstanceOf(StreamNotFoundError);
    });
  });
});
