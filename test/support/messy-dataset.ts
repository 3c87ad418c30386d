/**
 * A realistic, messy dataset of our own making (issue 4 "Real-world messiness"), with its own answers.
 *
 * Ground truth is generated first (control periods per place, terms per office), then turned into import lines the
 * way a news desk would record them: day-, month- and year-precision dates, baselines ("held by the government since
 * 2011"), seizures recorded out of valid-time order, acting holders, vacancies, and one person holding two offices at
 * once. The expected answers come from a brute-force oracle over the ground truth, never from the product's code.
 */

type Precision = 'day' | 'month' | 'year';
export interface MessyLine {
  type: string;
  [field: string]: unknown;
}
export interface ControlQuestion {
  placeId: string;
  asOf: string;
  controller: string | null;
}
export interface HolderQuestion {
  officeId: string;
  asOf: string;
  holder: string | null;
  acting: boolean;
}
export interface MessyDataset {
  lines: MessyLine[];
  controlQuestions: ControlQuestion[];
  holderQuestions: HolderQuestion[];
}

/** mulberry32: small, seeded, repeatable. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const DAY = 86_400_000;
const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const ms = (date: string) => Date.parse(`${date}T00:00:00Z`);
const addDays = (date: string, days: number) => iso(ms(date) + days * DAY);

/** The date a fact is recorded with, and the first day it covers (when it takes effect). */
function withPrecision(date: string, precision: Precision): { occurred: { date: string; precision: Precision }; effective: string } {
  if (precision === 'year') return { occurred: { date: date.slice(0, 4), precision }, effective: `${date.slice(0, 4)}-01-01` };
  if (precision === 'month') return { occurred: { date: date.slice(0, 7), precision }, effective: `${date.slice(0, 7)}-01` };
  return { occurred: { date, precision }, effective: date };
}

const source = (note: string) => [{ outlet: 'Messy desk wire', note }];

export function buildMessyDataset(options: { seed?: number; places?: number; offices?: number } = {}): MessyDataset {
  const random = prng(options.seed ?? 20241205);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const int = (min: number, max: number) => min + Math.floor(random() * (max - min + 1));
  const placeCount = options.places ?? 300;
  const officeCount = options.offices ?? 12;

  const registrations: MessyLine[] = [];
  const factions = ['syrian-government', ...Array.from({ length: 11 }, (_, i) => `faction-${String(i + 1).padStart(2, '0')}`)];
  for (const factionId of factions) registrations.push({ type: 'RegisterFaction', factionId, name: `Faction ${factionId}` });

  // ---- Territory: per place, strictly increasing effective dates; precision never blurs two changes together.
  const seizures: MessyLine[] = [];
  const controlQuestions: ControlQuestion[] = [];
  for (let p = 1; p <= placeCount; p++) {
    const placeId = `place-${String(p).padStart(3, '0')}`;
    registrations.push({
      type: 'RegisterPlace',
      placeId,
      name: `Place ${p}`,
      country: 'Syria',
      kind: pick(['city', 'town', 'village', 'region', 'site'] as const),
      ...(random() < 0.7 ? { coordinates: { lat: 32 + random() * 5, lon: 35.5 + random() * 6 } } : {}),
    });
    const periods: Array<{ effective: string; controller: string }> = [];
    let baseline: string | null = null;
    let controller = 'syrian-government';
    let cursor = '2011-01-01';
    if (random() < 0.5) {
      // "Held by the government since 2011": a year-precision baseline fact.
      seizures.push({ type: 'SeizeCity', placeId, factionId: controller, occurred: { date: '2011', precision: 'year' }, sources: source('baseline: held since 2011') });
      periods.push({ effective: '2011-01-01', controller });
      cursor = '2012-01-01';
    } else {
      baseline = controller; // told only by the first seizure's fromFactionId
    }
    const changes = int(0, 5);
    for (let c = 0; c < changes; c++) {
      const precision: Precision = pick(['day', 'day', 'day', 'month', 'year'] as const);
      // Jump far enough that year/month precision cannot fall on or before the previous change.
      const earliest = precision === 'year' ? `${Number(cursor.slice(0, 4)) + 1}-01-01` : precision === 'month' ? addDays(cursor, 32) : addDays(cursor, 1);
      const date = addDays(earliest, int(0, 400));
      if (date > '2024-12-31') break;
      const { occurred, effective } = withPrecision(date, precision);
      const next = pick(factions.filter((f) => f !== controller));
      seizures.push({
        type: 'SeizeCity',
        placeId,
        factionId: next,
        ...(periods.length === 0 || random() < 0.5 ? { fromFactionId: controller } : {}),
        occurred,
        sources: source(`change ${c + 1} of ${placeId}`),
        confidence: pick(['confirmed', 'reported'] as const),
      });
      periods.push({ effective, controller: next });
      controller = next;
      cursor = effective;
    }
    const controllerOn = (asOf: string): string | null => {
      const current = periods.filter((period) => period.effective <= asOf).at(-1);
      if (current) return current.controller;
      return periods.length > 0 ? baseline : null;
    };
    const dates = new Set(['1999-06-01', '2024-12-31']);
    for (const period of periods) {
      dates.add(period.effective);
      dates.add(addDays(period.effective, -1));
      dates.add(addDays(period.effective, 15));
    }
    for (const asOf of dates) controlQuestions.push({ placeId, asOf, controller: controllerOn(asOf) });
  }

  // ---- Leadership: decades of terms per office, vacancies filled by acting holders, one person in two offices.
  const terms: MessyLine[][] = [];
  const holderQuestions: HolderQuestion[] = [];
  const twoOfficePerson = 'person-dual';
  registrations.push({ type: 'RegisterPerson', personId: twoOfficePerson, name: 'Holds two offices at once' });
  for (let o = 1; o <= officeCount; o++) {
    const officeId = `office-${String(o).padStart(2, '0')}`;
    registrations.push({ type: 'EstablishOffice', officeId, title: `Office ${o}`, jurisdiction: 'Syria' });
    const lines: MessyLine[] = [];
    const spans: Array<{ personId: string; start: string; end: string | null; acting: boolean }> = [];
    let cursor = `${int(1965, 1975)}-01-01`;
    let n = 0;
    while (cursor < '2024-06-01') {
      n++;
      const personId = o <= 2 && n === 3 ? twoOfficePerson : `person-${o}-${n}`;
      if (personId !== twoOfficePerson) registrations.push({ type: 'RegisterPerson', personId, name: `Person ${o}.${n}` });
      const startPrecision: Precision = pick(['day', 'day', 'month', 'year'] as const);
      const startDate = startPrecision === 'year' ? `${Number(cursor.slice(0, 4)) + (cursor.endsWith('01-01') ? 0 : 1)}-01-01` : startPrecision === 'month' ? (cursor.slice(8) === '01' ? cursor : addDays(`${cursor.slice(0, 7)}-01`, 32)) : cursor;
      const start = withPrecision(startDate, startPrecision);
      lines.push({ type: 'AssumeOffice', officeId, personId, acting: false, occurred: start.occurred, sources: source(`term ${n}`) });
      // Day precision for ends keeps each term's end after its own start, whatever the start's precision.
      const endDate = addDays(start.effective, int(365, 365 * 9));
      if (endDate > '2024-06-01' && random() < 0.6) {
        spans.push({ personId, start: start.effective, end: null, acting: false });
        break;
      }
      lines.push({ type: 'LeaveOffice', officeId, personId, reason: pick(['died', 'resigned', 'ousted', 'term-ended'] as const), occurred: { date: endDate, precision: 'day' }, sources: source(`end of term ${n}`) });
      spans.push({ personId, start: start.effective, end: endDate, acting: false });
      cursor = endDate;
      if (random() < 0.35) {
        // A vacancy, sometimes filled by an acting holder who steps down before the next holder starts.
        const gap = int(20, 200);
        if (random() < 0.6) {
          const actingId = `person-${o}-${n}-acting`;
          registrations.push({ type: 'RegisterPerson', personId: actingId, name: `Acting ${o}.${n}` });
          const actingStart = addDays(cursor, int(1, 5));
          const actingEnd = addDays(actingStart, gap - 6);
          lines.push({ type: 'AssumeOffice', officeId, personId: actingId, acting: true, occurred: { date: actingStart, precision: 'day' }, sources: source('acting') });
          lines.push({ type: 'LeaveOffice', officeId, personId: actingId, reason: 'term-ended', occurred: { date: actingEnd, precision: 'day' }, sources: source('acting ends') });
          spans.push({ personId: actingId, start: actingStart, end: actingEnd, acting: true });
        }
        cursor = addDays(cursor, gap);
      }
    }
    terms.push(lines);
    const holderOn = (asOf: string) => {
      const covering = spans.filter((span) => span.start <= asOf && (span.end === null || asOf < span.end));
      const main = covering.find((span) => !span.acting) ?? covering.find((span) => span.acting);
      return { holder: main?.personId ?? null, acting: main?.acting ?? false };
    };
    const dates = new Set(['1960-01-01', '2024-12-31']);
    for (const span of spans) {
      dates.add(span.start);
      dates.add(addDays(span.start, -1));
      if (span.end) {
        dates.add(span.end);
        dates.add(addDays(span.end, -1));
      }
    }
    for (const asOf of dates) holderQuestions.push({ officeId, asOf, ...holderOn(asOf) });
  }

  // Recorded order: reference data first, then seizures shuffled across valid time, and each office's terms in its
  // own order (a term is ended before the next starts) but interleaved with everything else.
  const shuffled = [...seizures];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as MessyLine, shuffled[i] as MessyLine];
  }
  const facts: MessyLine[] = [];
  const queues = [shuffled, ...terms];
  while (queues.some((queue) => queue.length > 0)) {
    const queue = pick(queues.filter((q) => q.length > 0));
    facts.push(queue.shift() as MessyLine);
  }
  return { lines: [...registrations, ...facts], controlQuestions, holderQuestions };
}
