import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import { ImportService } from '../../src/import/import.service.js';
import { DEVELOPMENT_KEYS } from '../../src/shared/auth/api-keys.js';
import {
  buildMessyDataset,
  type ControlQuestion,
  DUAL_PERSON,
  effectiveDay,
  type HolderQuestion,
  type MessyLine,
  messyOracle,
  type Occurred,
} from '../support/messy-dataset.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const READER = DEVELOPMENT_KEYS.find((key) => key.roles.includes('reader'))!.key;

/** Asks every question over HTTP, a few at a time, and returns the ones answered wrong. */
async function wrongAnswers<Q>(questions: readonly Q[], ask: (q: Q) => Promise<unknown>): Promise<Array<{ question: Q; answer: unknown }>> {
  const wrong: Array<{ question: Q; answer: unknown }> = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < questions.length) {
        const question = questions[next++]!;
        const answer = await ask(question);
        if (answer !== null) wrong.push({ question, answer });
      }
    }),
  );
  return wrong;
}

/** The fields of a term the oracle knows (the answer also carries approximate and sourceEventIds). */
const termFields = ({ personId, start, end, acting, endReason, predecessorId, successorId }: Record<string, unknown>) => ({
  personId,
  start,
  end,
  acting,
  endReason,
  predecessorId,
  successorId,
});

/** How many lines were recorded after a line of the same entity that takes effect later. */
function recordedOutOfOrder(lines: readonly MessyLine[], type: string, entity: string): number {
  const latest = new Map<string, string>();
  let late = 0;
  for (const line of lines.filter((l) => l.type === type)) {
    const key = line[entity] as string;
    const day = effectiveDay(line.occurred as Occurred);
    if ((latest.get(key) ?? '') > day) late++;
    else latest.set(key, day);
  }
  return late;
}

describe('a realistic, messy dataset: every asOf and asAt question answered right', () => {
  let app: TestApp;
  const dataset = buildMessyDataset({ seed: 20241205, places: 200, offices: 10 });
  const oracle = messyOracle(dataset.lines);
  // The import in two halves: asAt = the log position after the first answers from the first half's lines only.
  const half = dataset.firstFactLine + Math.floor((dataset.lines.length - dataset.firstFactLine) / 2);
  const firstHalf = messyOracle(dataset.lines.slice(0, half));
  let firstHalfPosition = 0n;
  const officeIds = Object.keys(dataset.officeTerms);
  const personIds = [...new Set(Object.values(dataset.officeTerms).flatMap((terms) => terms.map((term) => term.personId)))];
  const mapDays = ['2010-06-01', '2011-01-01', '2013-07-15', '2016-02-29', '2019-11-30', '2024-12-31'];
  const mapFactions = ['syrian-government', 'faction-03', 'faction-07'];

  beforeAll(async () => {
    app = await startTestApp();
    const importer = app.app.get(ImportService);
    const ndjson = (lines: MessyLine[]) => lines.map((line) => JSON.stringify(line)).join('\n');
    const first = await importer.importText(ndjson(dataset.lines.slice(0, half)), 'messy-1.ndjson', {
      onProgress: ({ result }) => {
        if (result && BigInt(result.position) > firstHalfPosition) firstHalfPosition = BigInt(result.position);
      },
    });
    expect(first.rejected).toEqual([]);
    const second = await importer.importText(ndjson(dataset.lines.slice(half)), 'messy-2.ndjson');
    expect(second.rejected).toEqual([]);
    await app.app.get(ProjectionRunner).waitForHead({ timeoutMs: 60_000 });
  }, 180_000);
  afterAll(async () => {
    await app.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${app.baseUrl}${path}`, { headers: { 'x-api-key': READER } });
    return { status: response.status, contentType: response.headers.get('content-type'), body: (await response.json()) as unknown };
  };
  const getList = async (path: string) => {
    const { status, body } = await get(path);
    return status === 200 ? (body as Array<Record<string, unknown>>) : `HTTP ${status}`;
  };

  it('has the mess it claims: precisions, out-of-order reports, baselines, acting holders, vacancies, two offices at once', () => {
    const precisions = (type: string) => new Set(dataset.lines.filter((line) => line.type === type).map((line) => (line.occurred as Occurred).precision));
    expect(precisions('SeizeCity')).toEqual(new Set(['day', 'month', 'year']));
    expect(precisions('AssumeOffice')).toEqual(new Set(['day', 'month', 'year']));
    expect(dataset.lines.filter((line) => line.type === 'RegisterPlace').length).toBeGreaterThanOrEqual(200);
    expect(recordedOutOfOrder(dataset.lines, 'SeizeCity', 'placeId')).toBeGreaterThan(100);
    // Earlier, complete terms of an office recorded after its later ones.
    expect(recordedOutOfOrder(dataset.lines, 'AssumeOffice', 'officeId')).toBeGreaterThan(20);
    const baselines = dataset.lines.filter((line) => line.type === 'SeizeCity' && (line.occurred as Occurred).date === '2011' && !line.fromFactionId);
    expect(baselines.length).toBeGreaterThan(50);
    expect(dataset.holderQuestions.some((q) => q.acting)).toBe(true);
    expect(dataset.holderQuestions.some((q) => q.holder === null && q.asOf > '1980-01-01')).toBe(true);
    const terms = Object.values(dataset.officeTerms).flat();
    expect(terms.filter((term) => term.acting).length).toBeGreaterThan(5);
    expect(Math.min(...terms.map((term) => Number(term.start.slice(0, 4))))).toBeLessThan(1980);

    // One person holds two offices at once: two full terms in different offices that overlap in valid time.
    const dual = Object.entries(dataset.officeTerms).flatMap(([officeId, list]) => list.filter((t) => t.personId === DUAL_PERSON).map((t) => ({ officeId, ...t })));
    expect(dual.map((term) => [term.officeId, term.acting])).toEqual([
      ['office-01', false],
      ['office-02', false],
    ]);
    const [a, b] = dual as [(typeof dual)[0], (typeof dual)[0]];
    expect(dataset.dualOverlap).toEqual({ from: a.start > b.start ? a.start : b.start, to: a.end! < b.end! ? a.end : b.end });
    expect(dataset.dualOverlap!.from < dataset.dualOverlap!.to).toBe(true);
  });

  it('has an oracle that reads the lines as the ground truth was generated', () => {
    expect(dataset.controlQuestions.filter((q) => oracle.controllerOn(q.placeId, q.asOf) !== q.controller)).toEqual([]);
    expect(dataset.holderQuestions.filter((q) => oracle.holderOn(q.officeId, q.asOf).holder !== q.holder || oracle.holderOn(q.officeId, q.asOf).acting !== q.acting)).toEqual([]);
    for (const officeId of officeIds) {
      expect(oracle.terms(officeId).map(({ personId, start, end, acting, endReason }) => ({ personId, start, end, acting, endReason }))).toEqual(dataset.officeTerms[officeId]);
    }
    // The first half knows less: answers as known then differ (else the asAt checks below could not fail).
    expect(dataset.controlQuestions.filter((q) => firstHalf.controllerOn(q.placeId, q.asOf) !== q.controller).length).toBeGreaterThan(100);
    expect(dataset.holderQuestions.filter((q) => firstHalf.holderOn(q.officeId, q.asOf).holder !== q.holder).length).toBeGreaterThan(20);
    expect(officeIds.filter((officeId) => JSON.stringify(firstHalf.terms(officeId)) !== JSON.stringify(oracle.terms(officeId))).length).toBeGreaterThan(5);
    expect(mapDays.filter((asOf) => JSON.stringify(firstHalf.controlMap(asOf)) !== JSON.stringify(oracle.controlMap(asOf))).length).toBeGreaterThan(3);
  });

  it(`answers who controlled each place on each date (${dataset.controlQuestions.length} questions)`, async () => {
    const wrong = await wrongAnswers<ControlQuestion>(dataset.controlQuestions, async (q) => {
      const { status, body } = await get(`/territory/places/${q.placeId}/control?asOf=${q.asOf}`);
      const answer = status === 200 ? (body as { controller: string | null }).controller : `HTTP ${status}`;
      return answer === q.controller ? null : answer;
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 120_000);

  it(`answers who held each office on each date, acting or not (${dataset.holderQuestions.length} questions)`, async () => {
    const wrong = await wrongAnswers<HolderQuestion>(dataset.holderQuestions, async (q) => {
      const { status, body } = await get(`/leadership/offices/${q.officeId}/holder?asOf=${q.asOf}`);
      if (status !== 200) return `HTTP ${status}`;
      const { holder, acting } = body as { holder: string | null; acting: boolean };
      return holder === q.holder && acting === q.acting ? null : { holder, acting };
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 120_000);

  it('answers that one person held two offices at once, on every day of the overlap asked', async () => {
    const { from, to } = dataset.dualOverlap!;
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const [start, end] = [Date.parse(`${from}T00:00:00Z`), Date.parse(`${to}T00:00:00Z`)];
    // Its first, a middle and its last day ([from, to) is half-open).
    for (const asOf of [from, day((start + end) / 2 - (((start + end) / 2) % 86_400_000)), day(end - 86_400_000)]) {
      for (const officeId of ['office-01', 'office-02']) {
        const { status, body } = await get(`/leadership/offices/${officeId}/holder?asOf=${asOf}`);
        expect({ officeId, asOf, status, holder: (body as { holder: unknown }).holder, acting: (body as { acting: unknown }).acting }).toEqual({
          officeId,
          asOf,
          status: 200,
          holder: DUAL_PERSON,
          acting: false,
        });
      }
    }
    const terms = await getList(`/leadership/people/${DUAL_PERSON}/terms`);
    expect(typeof terms === 'string' ? terms : terms.map((term) => ({ officeId: term.officeId, ...termFields(term) }))).toEqual(oracle.personTerms(DUAL_PERSON));
    expect(oracle.personTerms(DUAL_PERSON).map((term) => term.officeId).sort()).toEqual(['office-01', 'office-02']);
  });

  it("lists every office's terms: start, end, acting, end reason, predecessor and successor", async () => {
    const wrong = await wrongAnswers(officeIds, async (officeId) => {
      const terms = await getList(`/leadership/offices/${officeId}/terms`);
      const answer = typeof terms === 'string' ? terms : terms.map(termFields);
      return JSON.stringify(answer) === JSON.stringify(oracle.terms(officeId)) ? null : { answer, expected: oracle.terms(officeId) };
    });
    expect(wrong.slice(0, 2)).toEqual([]);
  });

  it(`lists every person's terms, all offices (${personIds.length} people)`, async () => {
    const wrong = await wrongAnswers(personIds, async (personId) => {
      const terms = await getList(`/leadership/people/${personId}/terms`);
      const answer = typeof terms === 'string' ? terms : terms.map((term) => ({ officeId: term.officeId, ...termFields(term) }));
      return JSON.stringify(answer) === JSON.stringify(oracle.personTerms(personId)) ? null : { answer, expected: oracle.personTerms(personId) };
    });
    expect(wrong.slice(0, 3)).toEqual([]);
  });

  it('maps the controller of every place on a day, and the places each faction held', async () => {
    for (const asOf of mapDays) {
      for (const factionId of [undefined, ...mapFactions]) {
        const entries = await getList(`/territory/control?asOf=${asOf}${factionId ? `&factionId=${factionId}` : ''}`);
        const answer = typeof entries === 'string' ? entries : entries.map(({ placeId, controller }) => ({ placeId, controller }));
        expect({ asOf, factionId, answer }).toEqual({ asOf, factionId, answer: oracle.controlMap(asOf, factionId) });
      }
    }
    expect(oracle.controlMap('2024-12-31', 'faction-03').length).toBeGreaterThan(0);
  });

  it('answers the map as GeoJSON: the places with coordinates, each with its controller', async () => {
    for (const asOf of mapDays.slice(1, 4)) {
      const { status, contentType, body } = await get(`/territory/control.geojson?asOf=${asOf}`);
      expect({ status, contentType: contentType?.split(';')[0] }).toEqual({ status: 200, contentType: 'application/geo+json' });
      const collection = body as { type: string; features: Array<{ type: string; id: string; geometry: { type: string; coordinates: number[] }; properties: { placeId: string; controller: string | null } }> };
      expect(collection.type).toBe('FeatureCollection');
      const answer = collection.features.map((feature) => ({
        placeId: feature.id,
        coordinates: feature.geometry.coordinates.map((c) => Math.round(c * 1e9) / 1e9),
        controller: feature.properties.controller,
      }));
      const expected = oracle.geojson(asOf).map((entry) => ({ ...entry, coordinates: entry.coordinates.map((c) => Math.round(c * 1e9) / 1e9) }));
      expect({ asOf, answer }).toEqual({ asOf, answer: expected });
    }
  });

  describe('as known when the first half of the import was recorded (asAt = its last log position)', () => {
    it(`answers who controlled each place (${dataset.controlQuestions.length} questions)`, async () => {
      const wrong = await wrongAnswers<ControlQuestion>(dataset.controlQuestions, async (q) => {
        const { status, body } = await get(`/territory/places/${q.placeId}/control?asOf=${q.asOf}&asAt=${firstHalfPosition}`);
        const answer = status === 200 ? (body as { controller: string | null }).controller : `HTTP ${status}`;
        const expected = firstHalf.controllerOn(q.placeId, q.asOf);
        return answer === expected ? null : { answer, expected };
      });
      expect(wrong.slice(0, 10)).toEqual([]);
    }, 120_000);

    it(`answers who held each office (${dataset.holderQuestions.length} questions)`, async () => {
      const wrong = await wrongAnswers<HolderQuestion>(dataset.holderQuestions, async (q) => {
        const { status, body } = await get(`/leadership/offices/${q.officeId}/holder?asOf=${q.asOf}&asAt=${firstHalfPosition}`);
        if (status !== 200) return `HTTP ${status}`;
        const { holder, acting } = body as { holder: string | null; acting: boolean };
        const expected = firstHalf.holderOn(q.officeId, q.asOf);
        return holder === expected.holder && acting === expected.acting ? null : { answer: { holder, acting }, expected };
      });
      expect(wrong.slice(0, 10)).toEqual([]);
    }, 120_000);

    it("lists every office's terms as known then", async () => {
      const wrong = await wrongAnswers(officeIds, async (officeId) => {
        const terms = await getList(`/leadership/offices/${officeId}/terms?asAt=${firstHalfPosition}`);
        const answer = typeof terms === 'string' ? terms : terms.map(termFields);
        return JSON.stringify(answer) === JSON.stringify(firstHalf.terms(officeId)) ? null : { answer, expected: firstHalf.terms(officeId) };
      });
      expect(wrong.slice(0, 2)).toEqual([]);
    });

    it('maps the controller of every place as known then', async () => {
      for (const asOf of mapDays) {
        for (const factionId of [undefined, mapFactions[0]]) {
          const entries = await getList(`/territory/control?asOf=${asOf}&asAt=${firstHalfPosition}${factionId ? `&factionId=${factionId}` : ''}`);
          const answer = typeof entries === 'string' ? entries : entries.map(({ placeId, controller }) => ({ placeId, controller }));
          expect({ asOf, factionId, answer }).toEqual({ asOf, factionId, answer: firstHalf.controlMap(asOf, factionId) });
        }
      }
    });
  });
});
