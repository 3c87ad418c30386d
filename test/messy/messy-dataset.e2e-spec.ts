import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import { ImportService } from '../../src/import/import.service.js';
import { DEVELOPMENT_KEYS } from '../../src/shared/auth/api-keys.js';
import { buildMessyDataset, type ControlQuestion, type HolderQuestion } from '../support/messy-dataset.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const READER = DEVELOPMENT_KEYS.find((key) => key.roles.includes('reader'))!.key;

/** Asks every question over HTTP, a few at a time, and returns the ones answered wrong. */
async function wrongAnswers<Q>(questions: Q[], ask: (q: Q) => Promise<string | null>): Promise<Array<{ question: Q; answer: string | null }>> {
  const wrong: Array<{ question: Q; answer: string | null }> = [];
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

describe('a realistic, messy dataset: every asOf question answered right', () => {
  let app: TestApp;
  const dataset = buildMessyDataset({ seed: 20241205, places: 200, offices: 10 });

  beforeAll(async () => {
    app = await startTestApp();
    const text = dataset.lines.map((line) => JSON.stringify(line)).join('\n');
    const summary = await app.app.get(ImportService).importText(text, 'messy.ndjson');
    expect(summary.rejected).toEqual([]);
    await app.app.get(ProjectionRunner).waitForHead({ timeoutMs: 60_000 });
  }, 180_000);
  afterAll(async () => {
    await app.close();
  });

  const get = async (path: string) => {
    const response = await fetch(`${app.baseUrl}${path}`, { headers: { 'x-api-key': READER } });
    return { status: response.status, body: (await response.json()) as Record<string, unknown> };
  };

  it('has the mess it claims: precisions, out-of-order reports, baselines, acting holders, vacancies, two offices at once', () => {
    const seizures = dataset.lines.filter((line) => line.type === 'SeizeCity') as unknown as Array<{ occurred: { precision: string } }>;
    expect(new Set(seizures.map((s) => s.occurred.precision))).toEqual(new Set(['day', 'month', 'year']));
    expect(dataset.lines.filter((line) => line.type === 'RegisterPlace').length).toBeGreaterThanOrEqual(200);
    expect(dataset.holderQuestions.some((q) => q.acting)).toBe(true);
    expect(dataset.holderQuestions.some((q) => q.holder === null && q.asOf > '1980-01-01')).toBe(true);
    const dual = dataset.holderQuestions.filter((q) => q.holder === 'person-dual');
    expect(new Set(dual.map((q) => q.officeId)).size).toBe(2);
  });

  it(`answers who controlled each place on each date (${dataset.controlQuestions.length} questions)`, async () => {
    const wrong = await wrongAnswers<ControlQuestion>(dataset.controlQuestions, async (q) => {
      const { status, body } = await get(`/territory/places/${q.placeId}/control?asOf=${q.asOf}`);
      const answer = status === 200 ? (body.controller as string | null) : `HTTP ${status}`;
      return answer === q.controller ? null : String(answer);
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 120_000);

  it(`answers who held each office on each date, acting or not (${dataset.holderQuestions.length} questions)`, async () => {
    const wrong = await wrongAnswers<HolderQuestion>(dataset.holderQuestions, async (q) => {
      const { status, body } = await get(`/leadership/offices/${q.officeId}/holder?asOf=${q.asOf}`);
      if (status !== 200) return `HTTP ${status}`;
      const answer = `${body.holder}${body.holder ? (body.acting ? ' (acting)' : '') : ''}`;
      const expected = `${q.holder}${q.holder ? (q.acting ? ' (acting)' : '') : ''}`;
      return answer === expected ? null : answer;
    });
    expect(wrong.slice(0, 10)).toEqual([]);
  }, 120_000);

  it('lists the terms of the person who holds two offices at once', async () => {
    const { status, body } = await get('/leadership/people/person-dual/terms');
    expect(status).toBe(200);
    const offices = new Set((body as unknown as Array<{ officeId: string }>).map((term) => term.officeId));
    expect(offices.size).toBe(2);
  });
});
