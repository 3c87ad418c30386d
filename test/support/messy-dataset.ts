/**
 * A realistic, messy dataset of our own making (issue 4 "Real-world messiness"), with its own answers.
 *
 * Ground truth is generated first (control periods per place, terms per office), then turned into import lines the
 * way a news desk would record them: day-, month- and year-precision dates, baselines ("held by the government since
 * 2011"), seizures recorded out of valid-time order, offices whose earlier (complete) terms are reported after their
 * later ones, acting holders, vacancies, and one person holding two offices at once. The expected answers come from
 * a brute-force oracle over the ground truth, and from `messyOracle`, which reads any subset of the lines by the
 * rules of api.md alone (for `asAt` questions); never from the product's code.
 */

type Precision = 'day' | 'month' | 'year';
export interface Occurred {
  date: string;
  precision: Precision;
}
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
/** A term as the generator decided it: [start, end), end null while current. */
export interface TruthTerm {
  personId: string;
  start: string;
  end: string | null;
  acting: boolean;
  endReason: string | null;
}
export interface MessyDataset {
  lines: MessyLine[];
  /** Index in `lines` of the first fact: every line before it registers reference data. */
  firstFactLine: number;
  controlQuestions: ControlQuestion[];
  holderQuestions: HolderQuestion[];
  /** Per office, its terms in valid-time order. */
  officeTerms: Record<string, TruthTerm[]>;
  /** The days [from, to) on which `person-dual` held office-01 and office-02 at once (null with fewer than 2 offices). */
  dualOverlap: { from: string; to: string } | null;
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
const daysBetween = (from: string, to: string) => Math.round((ms(to) - ms(from)) / DAY);

/** The first day a recorded date covers: the day the fact takes effect (api.md, "Shared shapes"). */
export function effectiveDay(occurred: Occurred): string {
  if (occurred.precision === 'year') return `${occurred.date}-01-01`;
  if (occurred.precision === 'month') return `${occurred.date}-01`;
  return occurred.date;
}

/** The date a fact is recorded with, and the first day it covers (when it takes effect). */
function withPrecision(date: string, precision: Precision): { occurred: Occurred; effective: string } {
  const occurred = { date: precision === 'year' ? date.slice(0, 4) : precision === 'month' ? date.slice(0, 7) : date, precision };
  return { occurred, effective: effectiveDay(occurred) };
}

const source = (note: string) => [{ outlet: 'Messy desk wire', note }];

/** Days both ranges cover ([from, to), to null = open), 0 when they do not meet. */
function overlapDays(a: { start: string; end: string | null }, b: { start: string; end: string | null }): number {
  const from = a.start > b.start ? a.start : b.start;
  const to = a.end === null ? b.end : b.end === null ? a.end : a.end < b.end ? a.end : b.end;
  return to === null ? Number.POSITIVE_INFINITY : Math.max(0, daysBetween(from, to));
}

export const DUAL_PERSON = 'person-dual';

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
  const officeQueues: MessyLine[][] = [];
  const holderQuestions: HolderQuestion[] = [];
  const officeTerms: Record<string, TruthTerm[]> = {};
  registrations.push({ type: 'RegisterPerson', personId: DUAL_PERSON, name: 'Holds two offices at once' });
  // person-dual takes office-01's first term starting in 1985 or later (at least three years long, so no vacancy of
  // office-02 can swallow it), and office-02's first term that overlaps it by at least 60 days.
  let dualTerm: TruthTerm | null = null;
  let dualOverlap: { from: string; to: string } | null = null;
  for (let o = 1; o <= officeCount; o++) {
    const officeId = `office-${String(o).padStart(2, '0')}`;
    registrations.push({ type: 'EstablishOffice', officeId, title: `Office ${o}`, jurisdiction: 'Syria' });
    // One chunk per full term: its AssumeOffice, its LeaveOffice, and the acting term that fills the vacancy after it.
    const chunks: MessyLine[][] = [];
    const spans: TruthTerm[] = [];
    let cursor = `${int(1965, 1975)}-01-01`;
    let n = 0;
    while (cursor < '2024-06-01') {
      n++;
      const startPrecision: Precision = pick(['day', 'day', 'month', 'year'] as const);
      const startDate = startPrecision === 'year' ? `${Number(cursor.slice(0, 4)) + (cursor.endsWith('01-01') ? 0 : 1)}-01-01` : startPrecision === 'month' ? (cursor.slice(8) === '01' ? cursor : addDays(`${cursor.slice(0, 7)}-01`, 32)) : cursor;
      const start = withPrecision(startDate, startPrecision);
      const firstDualTerm = o === 1 && dualTerm === null && start.effective >= '1985-01-01';
      // Day precision for ends keeps each term's end after its own start, whatever the start's precision.
      const endDate = addDays(start.effective, int(firstDualTerm ? 365 * 3 : 365, 365 * 9));
      const end = endDate > '2024-06-01' && random() < 0.6 ? null : endDate;
      const span = { start: start.effective, end };
      const secondDualTerm = o === 2 && dualTerm !== null && dualOverlap === null && overlapDays(span, dualTerm) >= 60;
      const personId = firstDualTerm || secondDualTerm ? DUAL_PERSON : `person-${o}-${n}`;
      if (personId !== DUAL_PERSON) registrations.push({ type: 'RegisterPerson', personId, name: `Person ${o}.${n}` });
      const chunk: MessyLine[] = [{ type: 'AssumeOffice', officeId, personId, acting: false, occurred: start.occurred, sources: source(`term ${n}`) }];
      chunks.push(chunk);
      if (secondDualTerm && dualTerm?.end) {
        const firstEnd = dualTerm.end; // office-01's dual term is ended: it is the one set below
        dualOverlap = { from: span.start > dualTerm.start ? span.start : dualTerm.start, to: end === null || firstEnd < end ? firstEnd : end };
      }
      if (end === null) {
        spans.push({ personId, ...span, acting: false, endReason: null });
        break;
      }
      const reason = pick(['died', 'resigned', 'ousted', 'term-ended'] as const);
      chunk.push({ type: 'LeaveOffice', officeId, personId, reason, occurred: { date: end, precision: 'day' }, sources: source(`end of term ${n}`) });
      const term: TruthTerm = { personId, start: start.effective, end, acting: false, endReason: reason };
      spans.push(term);
      if (firstDualTerm) dualTerm = term;
      cursor = end;
      if (random() < 0.35) {
        // A vacancy, sometimes filled by an acting holder who steps down before the next holder starts.
        const gap = int(20, 200);
        if (random() < 0.6) {
          const actingId = `person-${o}-${n}-acting`;
          registrations.push({ type: 'RegisterPerson', personId: actingId, name: `Acting ${o}.${n}` });
          const actingStart = addDays(cursor, int(1, 5));
          const actingEnd = addDays(actingStart, gap - 6);
          chunk.push({ type: 'AssumeOffice', officeId, personId: actingId, acting: true, occurred: { date: actingStart, precision: 'day' }, sources: source('acting') });
          chunk.push({ type: 'LeaveOffice', officeId, personId: actingId, reason: 'term-ended', occurred: { date: actingEnd, precision: 'day' }, sources: source('acting ends') });
          spans.push({ personId: actingId, start: actingStart, end: actingEnd, acting: true, endReason: 'term-ended' });
        }
        cursor = addDays(cursor, gap);
      }
    }
    officeQueues.push(o % 2 === 1 ? lateReportedEarlierTerms(chunks, int) : chunks.flat());
    officeTerms[officeId] = spans;
  }
  for (const [officeId, spans] of Object.entries(officeTerms)) {
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
    if (dualOverlap && spans.some((span) => span.personId === DUAL_PERSON)) {
      // Inside the overlap, where one person holds both offices: its first, middle and last days.
      const { from, to } = dualOverlap;
      for (const asOf of [from, addDays(from, Math.floor(daysBetween(from, to) / 2)), addDays(to, -1)]) dates.add(asOf);
    }
    for (const asOf of dates) holderQuestions.push({ officeId, asOf, ...holderOn(asOf) });
  }

  // Recorded order: reference data first, then seizures shuffled across valid time, and each office's terms in its
  // own order (a term is ended before the next starts; some offices' earlier terms arrive late) but interleaved with
  // everything else.
  const shuffled = [...seizures];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j] as MessyLine, shuffled[i] as MessyLine];
  }
  const facts: MessyLine[] = [];
  const queues = [shuffled, ...officeQueues];
  // Each next report comes from a queue in proportion to what it has left, so every queue runs from the start of
  // the import to its end (and the first half of the facts knows part of every office's story).
  for (let left = queues.reduce((sum, queue) => sum + queue.length, 0); left > 0; left--) {
    let at = Math.floor(random() * left);
    const queue = queues.find((q) => (at -= q.length) < 0) as MessyLine[];
    facts.push(queue.shift() as MessyLine);
  }
  return { lines: [...registrations, ...facts], firstFactLine: registrations.length, controlQuestions, holderQuestions, officeTerms, dualOverlap };
}

/**
 * An office whose history reaches the desk backwards: its terms cut into two or three runs, the latest run recorded
 * first. Each earlier run holds only complete terms (every start with its departure), which the product accepts
 * after later terms; a successor is never recorded before its predecessor's departure within a run.
 */
function lateReportedEarlierTerms(chunks: MessyLine[][], int: (min: number, max: number) => number): MessyLine[] {
  if (chunks.length < 2) return chunks.flat();
  const cuts = new Set([int(1, chunks.length - 1), ...(chunks.length >= 4 ? [int(1, chunks.length - 1)] : [])]);
  const bounds = [0, ...[...cuts].sort((a, b) => a - b), chunks.length];
  const runs = bounds.slice(1).map((to, i) => chunks.slice(bounds[i], to).flat());
  return runs.reverse().flat();
}

// ---- The oracle: answers from any set of recorded lines, by api.md's rules alone.

export interface ExpectedTerm {
  personId: string;
  start: string;
  end: string | null;
  acting: boolean;
  endReason: string | null;
  predecessorId: string | null;
  successorId: string | null;
}
export interface MessyOracle {
  controllerOn(placeId: string, asOf: string): string | null;
  /** Every registered place's controller (optionally only the places a faction holds), by place id. */
  controlMap(asOf: string, factionId?: string): Array<{ placeId: string; controller: string | null }>;
  /** The places that have coordinates, by place id. */
  geojson(asOf: string): Array<{ placeId: string; coordinates: [number, number]; controller: string | null }>;
  holderOn(officeId: string, asOf: string): { holder: string | null; acting: boolean };
  terms(officeId: string): ExpectedTerm[];
  /** A person's terms, all offices, by start. */
  personTerms(personId: string): Array<ExpectedTerm & { officeId: string }>;
}

interface SeizureLine {
  placeId: string;
  factionId: string;
  fromFactionId?: string;
  occurred: Occurred;
}
interface TermLine {
  type: 'AssumeOffice' | 'LeaveOffice';
  officeId: string;
  personId: string;
  acting?: boolean;
  reason?: string;
  occurred: Occurred;
}

/**
 * Brute force over the lines known (say, the first half of an import, for an `asAt` question). A seizure holds
 * until the next one about the place; before the first known one, its `fromFactionId` (if any) held the place. A
 * term runs from its start to its reported departure or, while none is known, to the next known start in the
 * office; predecessor and successor are the neighbouring full holders. Assumes what the generator guarantees: no
 * two seizures of a place on one day, and nobody holds one office twice.
 */
export function messyOracle(lines: readonly MessyLine[]): MessyOracle {
  const places = lines.filter((line) => line.type === 'RegisterPlace') as unknown as Array<{ placeId: string; coordinates?: { lat: number; lon: number } }>;
  const seizures = new Map<string, Array<SeizureLine & { day: string }>>();
  for (const line of lines.filter((l) => l.type === 'SeizeCity') as unknown as SeizureLine[]) {
    seizures.set(line.placeId, [...(seizures.get(line.placeId) ?? []), { ...line, day: effectiveDay(line.occurred) }]);
  }
  for (const known of seizures.values()) known.sort((a, b) => a.day.localeCompare(b.day));
  const controllerOn = (placeId: string, asOf: string): string | null => {
    const known = seizures.get(placeId) ?? [];
    const current = known.filter((seizure) => seizure.day <= asOf).at(-1);
    return current ? current.factionId : (known[0]?.fromFactionId ?? null);
  };

  const termLines = lines.filter((l) => l.type === 'AssumeOffice' || l.type === 'LeaveOffice') as unknown as TermLine[];
  const officeIds = [...new Set(termLines.map((line) => line.officeId))];
  const termsByOffice = new Map(officeIds.map((officeId) => [officeId, termsFrom(termLines.filter((line) => line.officeId === officeId))]));
  const terms = (officeId: string) => termsByOffice.get(officeId) ?? [];

  return {
    controllerOn,
    controlMap: (asOf, factionId) =>
      places
        .map(({ placeId }) => ({ placeId, controller: controllerOn(placeId, asOf) }))
        .filter((entry) => factionId === undefined || entry.controller === factionId)
        .sort((a, b) => a.placeId.localeCompare(b.placeId)),
    geojson: (asOf) =>
      places
        .filter((place) => place.coordinates)
        .map(({ placeId, coordinates }) => ({ placeId, coordinates: [coordinates!.lon, coordinates!.lat] as [number, number], controller: controllerOn(placeId, asOf) }))
        .sort((a, b) => a.placeId.localeCompare(b.placeId)),
    holderOn: (officeId, asOf) => {
      const covering = terms(officeId).filter((term) => term.start <= asOf && (term.end === null || asOf < term.end));
      const main = covering.find((term) => !term.acting) ?? covering.find((term) => term.acting);
      return { holder: main?.personId ?? null, acting: main?.acting ?? false };
    },
    terms,
    personTerms: (personId) =>
      officeIds
        .flatMap((officeId) => terms(officeId).filter((term) => term.personId === personId).map((term) => ({ officeId, ...term })))
        .sort((a, b) => a.start.localeCompare(b.start)),
  };
}

function termsFrom(lines: readonly TermLine[]): ExpectedTerm[] {
  const starts = lines
    .filter((line) => line.type === 'AssumeOffice')
    .map((line) => ({ personId: line.personId, acting: line.acting === true, start: effectiveDay(line.occurred) }))
    .sort((a, b) => a.start.localeCompare(b.start));
  const terms = starts.map((term, i) => {
    const departure = lines.find((line) => line.type === 'LeaveOffice' && line.personId === term.personId && effectiveDay(line.occurred) >= term.start);
    const next = starts[i + 1];
    return {
      ...term,
      end: departure ? effectiveDay(departure.occurred) : (next?.start ?? null),
      endReason: departure?.reason ?? null,
    };
  });
  return terms.map((term, i) => {
    const fullHolder = (other: { personId: string; acting: boolean }) => !other.acting && other.personId !== term.personId;
    return {
      personId: term.personId,
      start: term.start,
      end: term.end,
      acting: term.acting,
      endReason: term.endReason,
      predecessorId: terms.slice(0, i).reverse().find(fullHolder)?.personId ?? null,
      successorId: terms.slice(i + 1).find(fullHolder)?.personId ?? null,
    };
  });
}
