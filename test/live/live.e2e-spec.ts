import { randomBytes } from 'node:crypto';
import { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import { DEVELOPMENT_KEYS } from '../../src/shared/auth/api-keys.js';
import { startTestApp, type TestApp } from '../support/test-app.js';

const keyFor = (role: string) => DEVELOPMENT_KEYS.find((key) => key.roles.includes(role as never))!.key;
const EDITOR = keyFor('editor');
const READER = keyFor('reader');
const freshId = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;

interface SseMessage {
  id: string;
  event: string;
  data: { position: string; eventType: string; keys: Record<string, string> };
}

/** A minimal SSE reader over fetch: collects messages until `count` arrived or the timeout. */
class SseClient {
  readonly messages: SseMessage[] = [];
  private readonly controller = new AbortController();
  private buffer = '';
  private waiters: Array<() => void> = [];
  status = 0;
  contentType = '';

  static async open(url: string, headers: Record<string, string>): Promise<SseClient> {
    const client = new SseClient();
    const response = await fetch(url, { headers, signal: client.controller.signal });
    client.status = response.status;
    client.contentType = response.headers.get('content-type') ?? '';
    if (response.ok && response.body) void client.pump(response.body);
    return client;
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        this.buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = this.buffer.indexOf('\n\n')) >= 0) {
          const block = this.buffer.slice(0, end);
          this.buffer = this.buffer.slice(end + 2);
          const fields = Object.fromEntries(
            block
              .split('\n')
              .filter((line) => line && !line.startsWith(':'))
              .map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 1).trim()]),
          );
          if (fields.data) this.messages.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
          this.waiters.splice(0).forEach((wake) => wake());
        }
      }
    } catch {
      // aborted by close()
    }
  }

  async waitFor(count: number, timeoutMs = 10_000): Promise<SseMessage[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.messages.length < count && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 100);
      });
    }
    return this.messages;
  }

  close(): void {
    this.controller.abort();
  }
}

async function post(app: TestApp, path: string, body: unknown) {
  const response = await fetch(`${app.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': EDITOR },
    body: JSON.stringify(body),
  });
  expect(response.status).toBe(201);
  return (await response.json()) as { position: string; eventIds: string[] };
}

/** Setup the projections have applied: a feed opened after this sees only what comes next. */
async function settled(app: TestApp, path: string, body: unknown) {
  const result = await post(app, path, body);
  await app.app.get(ProjectionRunner).waitFor(result.position);
  return result;
}

describe('live updates over Server-Sent Events', () => {
  let app: TestApp;
  const hts = freshId('hts');
  const government = freshId('gov');

  beforeAll(async () => {
    app = await startTestApp();
    await post(app, '/admin/factions', { factionId: hts, name: 'HTS' });
    await post(app, '/admin/factions', { factionId: government, name: 'Government' });
  });
  afterAll(async () => {
    await app.close();
  });

  const seize = (placeId: string, factionId: string, date: string) =>
    post(app, `/admin/places/${placeId}/seizures`, { factionId, occurred: { date, precision: 'day' }, sources: [{ outlet: 'Wire' }] });

  it('delivers a command as a message whose id is its log position, and the query shows it', async () => {
    const placeId = freshId('hama');
    await settled(app, '/admin/places', { placeId, name: 'Hama', country: 'Syria' });
    const sse = await SseClient.open(`${app.baseUrl}/live/territory?placeId=${placeId}`, { 'x-api-key': READER });
    expect(sse.status).toBe(200);
    expect(sse.contentType).toContain('text/event-stream');
    try {
      const result = await seize(placeId, hts, '2024-12-05');
      const [message] = await sse.waitFor(1);
      expect(message).toMatchObject({ id: result.position, event: 'change' });
      expect(message!.data).toMatchObject({ eventType: 'CitySeized', keys: { placeId } });
      const control = await fetch(`${app.baseUrl}/territory/places/${placeId}/control?asOf=2024-12-06`, { headers: { 'x-api-key': READER } });
      expect(((await control.json()) as { controller: string }).controller).toBe(hts);
    } finally {
      sse.close();
    }
  });

  it('resumes from Last-Event-ID with nothing missed and nothing repeated', async () => {
    const placeId = freshId('aleppo');
    await settled(app, '/admin/places', { placeId, name: 'Aleppo', country: 'Syria' });
    const first = await SseClient.open(`${app.baseUrl}/live/territory?placeId=${placeId}`, { 'x-api-key': READER });
    const a = await seize(placeId, hts, '2024-11-29');
    await first.waitFor(1);
    first.close();
    // While disconnected: two more reports.
    const b = await seize(placeId, government, '2024-12-10');
    const c = await seize(placeId, hts, '2024-12-20');
    const resumed = await SseClient.open(`${app.baseUrl}/live/territory?placeId=${placeId}`, {
      'x-api-key': READER,
      'last-event-id': first.messages[0]!.id,
    });
    try {
      const d = await seize(placeId, government, '2025-01-02');
      const messages = await resumed.waitFor(3);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(first.messages.map((m) => m.id)).toEqual([a.position]);
      expect(resumed.messages.map((m) => m.id)).toEqual([b.position, c.position, d.position]);
      expect(messages.every((m) => m.data.keys.placeId === placeId)).toBe(true);
    } finally {
      resumed.close();
    }
  });

  it('filters by key and keeps read models apart', async () => {
    const watched = freshId('watched');
    const other = freshId('other');
    await settled(app, '/admin/places', { placeId: watched, name: 'Watched', country: 'Syria' });
    await settled(app, '/admin/places', { placeId: other, name: 'Other', country: 'Syria' });
    const territory = await SseClient.open(`${app.baseUrl}/live/territory?placeId=${watched}`, { 'x-api-key': READER });
    const leadership = await SseClient.open(`${app.baseUrl}/live/leadership`, { 'x-api-key': READER });
    try {
      await seize(other, hts, '2024-12-01');
      const mine = await seize(watched, hts, '2024-12-02');
      const officeId = freshId('office');
      const office = await post(app, '/admin/offices', { officeId, title: 'Governor', jurisdiction: 'Watched' });
      await territory.waitFor(1);
      await leadership.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(territory.messages.map((m) => m.id)).toEqual([mine.position]);
      expect(leadership.messages.map((m) => m.id)).toContain(office.position);
      expect(leadership.messages.every((m) => m.data.eventType !== 'CitySeized')).toBe(true);
    } finally {
      territory.close();
      leadership.close();
    }
  });

  it('resumes a filtered feed with the facts the filter names by role (speaker, depicted person) and their corrections', async () => {
    const personId = freshId('jawlani');
    const placeId = freshId('hama');
    await post(app, '/admin/people', { personId, name: 'Abu Mohammed al-Jawlani' });
    await settled(app, '/admin/places', { placeId, name: 'Hama', country: 'Syria' });
    const statement = (statementId: string, date: string) =>
      post(app, '/admin/statements', {
        statementId,
        speakerPersonId: personId,
        placeId,
        occurred: { date, precision: 'day' },
        quote: 'We entered Hama.',
        sources: [{ outlet: 'Wire' }],
      });
    const first = await SseClient.open(`${app.baseUrl}/live/timeline?personId=${personId}`, { 'x-api-key': READER });
    const a = await statement(freshId('speech'), '2024-12-05');
    await first.waitFor(1);
    first.close();
    // While disconnected: a second statement, a correction of the first, a statue of the speaker toppled.
    const b = await statement(freshId('speech'), '2024-12-06');
    const correction = await post(app, '/admin/corrections', {
      eventId: a.eventIds[0],
      changes: { summary: 'He announced the capture of Hama.' },
      reason: 'summary added',
      notice: 'We added a summary.',
    });
    const statue = await post(app, `/admin/statues/${freshId('statue')}/toppling`, {
      placeId,
      depictsPersonId: personId,
      occurred: { date: '2024-12-06', precision: 'day' },
      sources: [{ outlet: 'Wire' }],
    });
    await app.app.get(ProjectionRunner).waitFor(statue.position);
    for (const filter of [`personId=${personId}`, `placeId=${placeId}`]) {
      const resumed = await SseClient.open(`${app.baseUrl}/live/timeline?${filter}`, { 'x-api-key': READER, 'last-event-id': a.position });
      try {
        await resumed.waitFor(3);
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect(resumed.messages.map((m) => m.id)).toEqual([b.position, correction.position, statue.position]);
        expect(resumed.messages.map((m) => m.data.eventType)).toEqual(['StatementIssued', 'FactCorrected', 'StatueToppled']);
        expect(resumed.messages.every((m) => m.data.keys.personId === personId && m.data.keys.placeId === placeId)).toBe(true);
      } finally {
        resumed.close();
      }
    }
    // The territory model holds no statement: the correction of one is no change to it, live or replayed.
    const territory = await SseClient.open(`${app.baseUrl}/live/territory?placeId=${placeId}`, { 'x-api-key': READER, 'last-event-id': a.position });
    const seizure = await seize(placeId, hts, '2024-12-07');
    try {
      await territory.waitFor(1);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(territory.messages.map((m) => m.id)).toEqual([seizure.position]);
    } finally {
      territory.close();
    }
  });

  it('a factionId filter follows the faction a place was seized from, as GET /timeline?factionId= lists it, live and resumed', async () => {
    const loser = freshId('gov');
    const placeId = freshId('homs');
    await post(app, '/admin/factions', { factionId: loser, name: 'Loser' });
    const registered = await settled(app, '/admin/places', { placeId, name: 'Homs', country: 'Syria' });
    const feeds = ['timeline', 'territory'];
    const live = await Promise.all(feeds.map((feed) => SseClient.open(`${app.baseUrl}/live/${feed}?factionId=${loser}`, { 'x-api-key': READER })));
    try {
      const seized = await post(app, `/admin/places/${placeId}/seizures`, {
        factionId: hts,
        fromFactionId: loser,
        occurred: { date: '2024-12-07', precision: 'day' },
        sources: [{ outlet: 'Wire' }],
      });
      await app.app.get(ProjectionRunner).waitFor(seized.position);
      for (const sse of live) {
        await sse.waitFor(1);
        expect(sse.messages.map((m) => m.id)).toEqual([seized.position]);
        expect(sse.messages[0]!.data.keys).toMatchObject({ placeId, factionId: hts, fromFactionId: loser });
      }
      const listed = await fetch(`${app.baseUrl}/timeline?factionId=${loser}`, { headers: { 'x-api-key': READER } });
      expect(((await listed.json()) as Array<{ eventId: string }>).map((item) => item.eventId)).toContain(seized.eventIds[0]);
      for (const feed of feeds) {
        const resumed = await SseClient.open(`${app.baseUrl}/live/${feed}?factionId=${loser}`, { 'x-api-key': READER, 'last-event-id': registered.position });
        try {
          await resumed.waitFor(1);
          await new Promise((resolve) => setTimeout(resolve, 300));
          expect(resumed.messages.map((m) => m.id)).toEqual([seized.position]);
        } finally {
          resumed.close();
        }
      }
    } finally {
      live.forEach((sse) => sse.close());
    }
  });

  it('the correction of a seizure reaches a filter on the faction it was taken from, live with the keys a resumed stream gives', async () => {
    const loser = freshId('gov');
    const placeId = freshId('idlib');
    await post(app, '/admin/factions', { factionId: loser, name: 'Loser' });
    await settled(app, '/admin/places', { placeId, name: 'Idlib', country: 'Syria' });
    const seized = await settled(app, `/admin/places/${placeId}/seizures`, {
      factionId: hts,
      fromFactionId: loser,
      occurred: { date: '2024-12-07', precision: 'day' },
      sources: [{ outlet: 'Wire' }],
    });
    const feeds = ['territory', 'timeline'] as const;
    const filters = [loser, government];
    const live = await Promise.all(
      feeds.flatMap((feed) => filters.map((factionId) => SseClient.open(`${app.baseUrl}/live/${feed}?factionId=${factionId}`, { 'x-api-key': READER }))),
    );
    const streams: SseClient[] = [...live];
    try {
      // A correction of the date, then one naming another faction it was taken from.
      const redated = await post(app, '/admin/corrections', { eventId: seized.eventIds[0], changes: { occurred: { date: '2024-12-06', precision: 'day' } }, reason: 'r', notice: 'n' });
      const reattributed = await post(app, '/admin/corrections', { eventId: seized.eventIds[0], changes: { fromFactionId: government }, reason: 'r', notice: 'n' });
      await app.app.get(ProjectionRunner).waitFor(reattributed.position);
      const expected = {
        [loser]: [
          [redated.position, { placeId, factionId: hts, fromFactionId: loser }],
          [reattributed.position, { placeId, factionId: hts, fromFactionId: government }],
        ],
        [government]: [[reattributed.position, { placeId, factionId: hts, fromFactionId: government }]],
      };
      for (const [i, feed] of feeds.entries()) {
        for (const [j, factionId] of filters.entries()) {
          const sse = live[i * filters.length + j]!;
          await sse.waitFor(expected[factionId]!.length);
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect({ feed, factionId, live: sse.messages.map((m) => [m.id, m.data.keys]) }).toEqual({ feed, factionId, live: expected[factionId] });
          expect(sse.messages.every((m) => m.data.eventType === 'FactCorrected')).toBe(true);
          const resumed = await SseClient.open(`${app.baseUrl}/live/${feed}?factionId=${factionId}`, { 'x-api-key': READER, 'last-event-id': seized.position });
          streams.push(resumed);
          await resumed.waitFor(expected[factionId]!.length);
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect({ feed, factionId, resumed: resumed.messages }).toEqual({ feed, factionId, resumed: sse.messages });
        }
      }
    } finally {
      streams.forEach((sse) => sse.close());
    }
  });

  it('the correction of a term naming another person reaches both people, live as resumed', async () => {
    const officeId = freshId('governor');
    const [reported, actual] = [freshId('reported'), freshId('actual')];
    await post(app, '/admin/people', { personId: reported, name: 'Reported' });
    await post(app, '/admin/people', { personId: actual, name: 'Actual' });
    await post(app, '/admin/offices', { officeId, title: 'Governor', jurisdiction: 'Idlib' });
    const assumed = await settled(app, `/admin/offices/${officeId}/terms`, { personId: reported, occurred: { date: '2024-12-09', precision: 'day' }, sources: [{ outlet: 'Wire' }] });
    const people = [reported, actual];
    const live = await Promise.all(people.map((personId) => SseClient.open(`${app.baseUrl}/live/leadership?personId=${personId}`, { 'x-api-key': READER })));
    const streams: SseClient[] = [...live];
    try {
      const corrected = await post(app, '/admin/corrections', { eventId: assumed.eventIds[0], changes: { personId: actual }, reason: 'r', notice: 'n' });
      await app.app.get(ProjectionRunner).waitFor(corrected.position);
      for (const [i, personId] of people.entries()) {
        const sse = live[i]!;
        await sse.waitFor(1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect({ personId, live: sse.messages.map((m) => [m.id, m.data.keys]) }).toEqual({ personId, live: [[corrected.position, { officeId, personId: actual }]] });
        const resumed = await SseClient.open(`${app.baseUrl}/live/leadership?personId=${personId}`, { 'x-api-key': READER, 'last-event-id': assumed.position });
        streams.push(resumed);
        await resumed.waitFor(1);
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect({ personId, resumed: resumed.messages }).toEqual({ personId, resumed: sse.messages });
      }
    } finally {
      streams.forEach((sse) => sse.close());
    }
  });

  /**
   * Opens `/live/<feed>?<param>=<value>` for every feed and value, runs `act`, and checks each stream got `expected`
   * (per value: [id, eventType, keys]) live, then that resuming each from `resumeFrom` sends the same messages.
   */
  async function liveAndResumed(
    feeds: readonly string[],
    param: string,
    values: readonly string[],
    resumeFrom: string,
    act: () => Promise<Record<string, Array<[string, string, Record<string, string>]>>>,
  ): Promise<void> {
    const url = (feed: string, value: string) => `${app.baseUrl}/live/${feed}?${param}=${value}`;
    const live = await Promise.all(feeds.flatMap((feed) => values.map((value) => SseClient.open(url(feed, value), { 'x-api-key': READER }))));
    const streams: SseClient[] = [...live];
    try {
      const expected = await act();
      for (const [i, feed] of feeds.entries()) {
        for (const [j, value] of values.entries()) {
          const sse = live[i * values.length + j]!;
          const want = expected[value] ?? [];
          await sse.waitFor(want.length);
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect({ feed, value, live: sse.messages.map((m) => [m.id, m.data.eventType, m.data.keys]) }).toEqual({ feed, value, live: want });
          const resumed = await SseClient.open(url(feed, value), { 'x-api-key': READER, 'last-event-id': resumeFrom });
          streams.push(resumed);
          await resumed.waitFor(want.length);
          await new Promise((resolve) => setTimeout(resolve, 200));
          expect({ feed, value, resumed: resumed.messages }).toEqual({ feed, value, resumed: sse.messages });
        }
      }
    } finally {
      streams.forEach((sse) => sse.close());
    }
  }

  it('the retraction of a corrected seizure carries the faction it was corrected to, and reaches that faction and the recorded one, live as resumed', async () => {
    const [recorded, corrected, bystander] = [freshId('gov'), freshId('sna'), freshId('isis')];
    const placeId = freshId('raqqa');
    for (const factionId of [recorded, corrected, bystander]) await post(app, '/admin/factions', { factionId, name: factionId });
    const registered = await settled(app, '/admin/places', { placeId, name: 'Raqqa', country: 'Syria' });
    await liveAndResumed(['territory', 'timeline'], 'factionId', [recorded, corrected, bystander], registered.position, async () => {
      const seized = await seize(placeId, recorded, '2024-12-08');
      const moved = await post(app, '/admin/corrections', { eventId: seized.eventIds[0], changes: { factionId: corrected }, reason: 'r', notice: 'n' });
      const retracted = await post(app, '/admin/retractions', { eventId: seized.eventIds[0], reason: 'hoax', notice: 'n' });
      await app.app.get(ProjectionRunner).waitFor(retracted.position);
      const amendments: Array<[string, string, Record<string, string>]> = [
        [moved.position, 'FactCorrected', { placeId, factionId: corrected }],
        [retracted.position, 'FactRetracted', { placeId, factionId: corrected }],
      ];
      return {
        // It followed the seizure as recorded: it hears of every amendment of it.
        [recorded]: [[seized.position, 'CitySeized', { placeId, factionId: recorded }], ...amendments],
        [corrected]: amendments,
        [bystander]: [],
      };
    });
  });

  it('a correction moving a corrected seizure on reaches the faction it leaves; the later retraction no longer concerns that faction', async () => {
    const [recorded, first, second] = [freshId('gov'), freshId('sna'), freshId('hts')];
    const placeId = freshId('deir');
    for (const factionId of [recorded, first, second]) await post(app, '/admin/factions', { factionId, name: factionId });
    const registered = await settled(app, '/admin/places', { placeId, name: 'Deir ez-Zor', country: 'Syria' });
    await liveAndResumed(['territory', 'timeline'], 'factionId', [recorded, first, second], registered.position, async () => {
      const seized = await seize(placeId, recorded, '2024-12-08');
      const correct = (factionId: string) => post(app, '/admin/corrections', { eventId: seized.eventIds[0], changes: { factionId }, reason: 'r', notice: 'n' });
      const toFirst = await correct(first);
      const toSecond = await correct(second);
      const retracted = await post(app, '/admin/retractions', { eventId: seized.eventIds[0], reason: 'hoax', notice: 'n' });
      await app.app.get(ProjectionRunner).waitFor(retracted.position);
      const [c1, c2, x] = [
        [toFirst.position, 'FactCorrected', { placeId, factionId: first }],
        [toSecond.position, 'FactCorrected', { placeId, factionId: second }],
        [retracted.position, 'FactRetracted', { placeId, factionId: second }],
      ] as Array<[string, string, Record<string, string>]>;
      return {
        [recorded]: [[seized.position, 'CitySeized', { placeId, factionId: recorded }], c1!, c2!, x!],
        // The second correction takes the seizure from it (the fact as it stood just before); the retraction then
        // withdraws a seizure that was no longer its.
        [first]: [c1!, c2!],
        [second]: [c2!, x!],
      };
    });
  });

  it('the retraction of a term corrected to another person carries that person, and reaches both people, live as resumed', async () => {
    const officeId = freshId('governor');
    const [reported, actual] = [freshId('reported'), freshId('actual')];
    await post(app, '/admin/people', { personId: reported, name: 'Reported' });
    await post(app, '/admin/people', { personId: actual, name: 'Actual' });
    const office = await settled(app, '/admin/offices', { officeId, title: 'Governor', jurisdiction: 'Raqqa' });
    await liveAndResumed(['leadership', 'timeline'], 'personId', [reported, actual], office.position, async () => {
      const assumed = await post(app, `/admin/offices/${officeId}/terms`, { personId: reported, occurred: { date: '2024-12-09', precision: 'day' }, sources: [{ outlet: 'Wire' }] });
      const corrected = await post(app, '/admin/corrections', { eventId: assumed.eventIds[0], changes: { personId: actual }, reason: 'r', notice: 'n' });
      const retracted = await post(app, '/admin/retractions', { eventId: assumed.eventIds[0], reason: 'hoax', notice: 'n' });
      await app.app.get(ProjectionRunner).waitFor(retracted.position);
      const amendments: Array<[string, string, Record<string, string>]> = [
        [corrected.position, 'FactCorrected', { officeId, personId: actual }],
        [retracted.position, 'FactRetracted', { officeId, personId: actual }],
      ];
      return { [reported]: [[assumed.position, 'OfficeAssumed', { officeId, personId: reported }], ...amendments], [actual]: amendments };
    });
  });

  it('refuses a Last-Event-ID that is not a log position with 400 problem+json, and no key with 401', async () => {
    const bad = await fetch(`${app.baseUrl}/live/territory`, { headers: { 'x-api-key': READER, 'last-event-id': 'yesterday' } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(((await bad.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('Last-Event-ID');
    expect((await fetch(`${app.baseUrl}/live/territory`)).status).toBe(401);
  });

  it('refuses a misspelt, repeated or malformed filter with 400 problem+json naming it, instead of following everything', async () => {
    for (const [query, field] of [
      ['place=hama', 'place'],
      ['placeId=Hama City', 'placeId'],
      ['officeId=a&officeId=b', 'officeId'],
      ['lastEventId=1&lastEventId=2', 'lastEventId'],
    ] as const) {
      const response = await fetch(`${app.baseUrl}/live/timeline?${query}`, { headers: { 'x-api-key': READER } });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
      expect(((await response.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toEqual([field]);
    }
  });
});
