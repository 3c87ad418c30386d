import { jest } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import type { ProjectionRunner } from '../../src/infrastructure/projections/projection-runner.js';
import { hashApiKey } from '../../src/shared/auth/api-keys.js';
import type { TestApp } from '../support/test-app.js';

/**
 * The read side end to end: commands through the admin API, `waitFor(position)` on the runner, then the query
 * endpoints of api.md (field names, 404 and 400 problem+json naming the field).
 */
const EDITOR_KEY = `editor-${randomBytes(8).toString('hex')}`;
const READER_KEY = `reader-${randomBytes(8).toString('hex')}`;
const AUDITOR_KEY = `auditor-${randomBytes(8).toString('hex')}`;
const uid = (prefix: string) => `${prefix}-${randomBytes(4).toString('hex')}`;
const sources = [{ outlet: 'Reuters', url: 'https://example.org/report' }];

describe('read side over HTTP', () => {
  let t: TestApp;
  let runner: ProjectionRunner;

  beforeAll(async () => {
    // Same workaround as test/write-side/support.ts: @fastify/static (the /docs assets) cannot load under jest on
    // Node 20 (ESM-only dependency); the API does not need it.
    jest.unstable_mockModule('@fastify/static', () => ({ default: async () => undefined }));
    const { startTestApp } = await import('../support/test-app.js');
    const { ProjectionRunner } = await import('../../src/infrastructure/projections/projection-runner.js');
    t = await startTestApp({
      API_KEYS: `e2e-editor:editor:${hashApiKey(EDITOR_KEY)},e2e-reader:reader:${hashApiKey(READER_KEY)},e2e-auditor:auditor:${hashApiKey(AUDITOR_KEY)}`,
    });
    runner = t.app.get(ProjectionRunner);
  });
  afterAll(() => t.close());

  async function command(path: string, body: object): Promise<{ position: string; eventIds: string[] }> {
    const response = await fetch(`${t.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': EDITOR_KEY },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as { position: string; eventIds: string[] };
    if (response.status >= 300) throw new Error(`${path}: ${response.status} ${JSON.stringify(json)}`);
    await runner.waitFor(json.position);
    return json;
  }

  async function query(path: string, key = READER_KEY): Promise<{ status: number; body: any; type: string | null }> {
    const response = await fetch(`${t.baseUrl}${path}`, { headers: { 'x-api-key': key } });
    return { status: response.status, body: await response.json(), type: response.headers.get('content-type') };
  }

  describe('territory', () => {
    const [hama, hts, government] = [uid('hama'), uid('hts'), uid('gov')];
    let registered: string;

    beforeAll(async () => {
      await command('/admin/factions', { factionId: hts, name: 'Hayat Tahrir al-Sham' });
      await command('/admin/factions', { factionId: government, name: 'Syrian government' });
      ({ position: registered } = await command('/admin/places', { placeId: hama, name: 'Hama', country: 'SY', kind: 'city', coordinates: { lat: 35.13, lon: 36.75 } }));
      await command(`/admin/places/${hama}/seizures`, { factionId: hts, fromFactionId: government, occurred: { date: '2024-12-05', precision: 'day' }, sources });
    });

    it('GET /territory/places/:placeId/control answers asOf a day', async () => {
      const before = await query(`/territory/places/${hama}/control?asOf=2024-12-04`);
      expect(before.status).toBe(200);
      expect(before.body).toMatchObject({ placeId: hama, controller: government, since: null, disputed: false });
      expect(before.body.sourceEventIds).toHaveLength(1);
      const after = await query(`/territory/places/${hama}/control?asOf=2024-12-05`);
      expect(after.body).toMatchObject({ placeId: hama, controller: hts, since: '2024-12-05', disputed: false });
    });

    it('GET /territory/places/:placeId/history lists the intervals', async () => {
      const { status, body } = await query(`/territory/places/${hama}/history`);
      expect(status).toBe(200);
      expect(body.map((p: any) => [p.controller, p.from, p.to, p.disputed])).toEqual([
        [government, null, '2024-12-05', false],
        [hts, '2024-12-05', null, false],
      ]);
      expect(body[0]).toHaveProperty('sourceEventIds');
    });

    it('asAt a log position before the seizure shows what was known then', async () => {
      const { body } = await query(`/territory/places/${hama}/control?asOf=2024-12-06&asAt=${registered}`);
      expect(body).toMatchObject({ controller: null, sourceEventIds: [] });
      const now = await query(`/territory/places/${hama}/history?asAt=${encodeURIComponent(new Date().toISOString())}`);
      expect(now.body).toHaveLength(2);
      const everything = await query(`/territory/places/${hama}/history?asAt=18446744073709551615`);
      expect(everything.status).toBe(200);
      expect(everything.body).toHaveLength(2);
    });

    it('GET /territory/control and control.geojson list every place, filtered by faction', async () => {
      const all = await query('/territory/control?asOf=2024-12-06');
      expect(all.body.find((e: any) => e.placeId === hama)).toMatchObject({ controller: hts });
      const byFaction = await query(`/territory/control?asOf=2024-12-06&factionId=${government}`);
      expect(byFaction.body.find((e: any) => e.placeId === hama)).toBeUndefined();
      const geo = await query('/territory/control.geojson?asOf=2024-12-06');
      expect(geo.type).toContain('application/geo+json');
      expect(geo.body.type).toBe('FeatureCollection');
      expect(geo.body.features.find((f: any) => f.id === hama)).toMatchObject({ geometry: { type: 'Point', coordinates: [36.75, 35.13] }, properties: { controller: hts } });
    });

    it('GET control agrees with the history and with a recomputation (asAt) on every boundary day', async () => {
      // Approximate (month), exact, disputed (two factions the same day) and a day before anything known.
      const [homs, sdf] = [uid('homs'), uid('sdf')];
      await command('/admin/factions', { factionId: sdf, name: 'SDF' });
      await command('/admin/places', { placeId: homs, name: 'Homs', country: 'SY' });
      await command(`/admin/places/${homs}/seizures`, { factionId: government, occurred: { date: '2011-05', precision: 'month' }, sources });
      await command(`/admin/places/${homs}/seizures`, { factionId: hts, occurred: { date: '2014-03-10', precision: 'day' }, sources });
      await command(`/admin/places/${homs}/seizures`, { factionId: sdf, occurred: { date: '2016-07-01', precision: 'day' }, sources });
      await command(`/admin/places/${homs}/seizures`, { factionId: hts, occurred: { date: '2016-07-01', precision: 'day' }, sources });
      const history = (await query(`/territory/places/${homs}/history`)).body as any[];
      expect(history.map((p) => [p.controller, p.from, p.to, p.disputed, p.approximate])).toEqual([
        [government, '2011-05-01', '2014-03-10', false, true],
        [hts, '2014-03-10', '2016-07-01', false, false],
        [hts, '2016-07-01', null, true, false],
      ]);
      const days = ['2011-04-30', '2011-05-01', '2012-01-01', '2014-03-09', '2014-03-10', '2016-06-30', '2016-07-01', '2030-01-01'];
      for (const day of days) {
        const current = await query(`/territory/places/${homs}/control?asOf=${day}`);
        const recomputed = await query(`/territory/places/${homs}/control?asOf=${day}&asAt=18446744073709551615`);
        expect(current.status).toBe(200);
        expect(current.body).toEqual(recomputed.body);
        const period = history.find((p) => (p.from === null || p.from <= day) && (p.to === null || day < p.to));
        expect(current.body).toEqual({
          placeId: homs,
          controller: period?.controller ?? null,
          since: period?.from ?? null,
          until: period?.to ?? null,
          disputed: period?.disputed ?? false,
          contenders: period?.contenders ?? [],
          sourceEventIds: period?.sourceEventIds ?? [],
          approximate: period?.approximate ?? false,
        });
      }
      const disputed = await query(`/territory/places/${homs}/control?asOf=2020-01-01`);
      expect(disputed.body).toMatchObject({ controller: hts, disputed: true, contenders: [hts, sdf].sort() });
      expect(disputed.body.sourceEventIds).toHaveLength(2);
    });

    describe('seizures by different factions on overlapping dates', () => {
      const [a, b] = [uid('a'), uid('b')];
      const month = { date: '2012-07', precision: 'month' };
      const day = { date: '2012-07-15', precision: 'day' };

      beforeAll(async () => {
        await command('/admin/factions', { factionId: a, name: 'Faction A' });
        await command('/admin/factions', { factionId: b, name: 'Faction B' });
      });

      async function place(): Promise<string> {
        const placeId = uid('raqqa');
        await command('/admin/places', { placeId, name: 'Raqqa', country: 'SY' });
        return placeId;
      }

      it.each([
        ['the month report first', false],
        ['the day report first', true],
      ])('A seized it in "2012-07", B on 2012-07-15 (%s): B\'s interval is disputed with both sources, both timeline entries disputed', async (_order, dayFirst) => {
        const placeId = await place();
        const seize = (factionId: string, occurred: object) => command(`/admin/places/${placeId}/seizures`, { factionId, occurred, sources });
        const [first, second] = dayFirst ? [await seize(b, day), await seize(a, month)] : [await seize(a, month), await seize(b, day)];
        const [byA, byB] = dayFirst ? [second.eventIds[0], first.eventIds[0]] : [first.eventIds[0], second.eventIds[0]];
        const inRecordingOrder = [first.eventIds[0], second.eventIds[0]];

        const control = await query(`/territory/places/${placeId}/control?asOf=2012-07-20`);
        expect(control.status).toBe(200);
        expect(control.body).toEqual({
          placeId,
          controller: b,
          since: '2012-07-15',
          until: null,
          disputed: true,
          contenders: [a, b].sort(),
          sourceEventIds: inRecordingOrder,
          approximate: false,
        });
        expect((await query(`/territory/places/${placeId}/control?asOf=2012-07-10`)).body).toMatchObject({ controller: a, since: '2012-07-01', until: '2012-07-15', disputed: false, sourceEventIds: [byA], approximate: true });
        // The recomputation (asAt) agrees with the stored timeline; before the second report nothing was disputed.
        expect((await query(`/territory/places/${placeId}/control?asOf=2012-07-20&asAt=18446744073709551615`)).body).toEqual(control.body);
        expect((await query(`/territory/places/${placeId}/control?asOf=2012-07-20&asAt=${first.position}`)).body.disputed).toBe(false);

        const history = await query(`/territory/places/${placeId}/history`);
        expect(history.body.map((p: any) => [p.controller, p.from, p.to, p.disputed, p.contenders, p.sourceEventIds])).toEqual([
          [a, '2012-07-01', '2012-07-15', false, [a], [byA]],
          [b, '2012-07-15', null, true, [a, b].sort(), inRecordingOrder],
        ]);

        const timeline = await query(`/timeline?placeId=${placeId}`);
        expect(timeline.status).toBe(200);
        expect(timeline.body.map((entry: any) => [entry.eventId, entry.factionId, entry.disputed, entry.disputedWith])).toEqual([
          [byA, a, true, [byB]],
          [byB, b, true, [byA]],
        ]);

        // The explain endpoint lists both sources.
        const explained = await query(`/admin/audit/explain/territory/places/${placeId}/control?asOf=2012-07-20`, AUDITOR_KEY);
        expect(explained.status).toBe(200);
        expect(explained.body.events.map((event: any) => event.eventId)).toEqual(inRecordingOrder);
      });

      it('does not dispute B\'s report when it says B took the place from A', async () => {
        const placeId = await place();
        const byA = await command(`/admin/places/${placeId}/seizures`, { factionId: a, occurred: month, sources });
        const byB = await command(`/admin/places/${placeId}/seizures`, { factionId: b, fromFactionId: a, occurred: day, sources });
        expect((await query(`/territory/places/${placeId}/control?asOf=2012-07-20`)).body).toMatchObject({ controller: b, disputed: false, contenders: [b], sourceEventIds: byB.eventIds });
        expect((await query(`/territory/places/${placeId}/history`)).body.map((p: any) => [p.controller, p.from, p.to, p.disputed])).toEqual([
          [a, '2012-07-01', '2012-07-15', false],
          [b, '2012-07-15', null, false],
        ]);
        expect((await query(`/timeline?placeId=${placeId}`)).body.map((entry: any) => [entry.eventId, entry.disputed, entry.disputedWith])).toEqual([
          [byA.eventIds[0], false, []],
          [byB.eventIds[0], false, []],
        ]);
      });
    });

    it('answers controller null for a registered place nothing is known about', async () => {
      const idlib = uid('idlib');
      await command('/admin/places', { placeId: idlib, name: 'Idlib', country: 'SY' });
      const { status, body } = await query(`/territory/places/${idlib}/control?asOf=2024-12-06`);
      expect(status).toBe(200);
      expect(body).toEqual({ placeId: idlib, controller: null, since: null, until: null, disputed: false, contenders: [], sourceEventIds: [], approximate: false });
    });

    it('answers 404 problem+json for an unknown place', async () => {
      const { status, body, type } = await query(`/territory/places/${uid('nowhere')}/control`);
      expect(status).toBe(404);
      expect(type).toContain('application/problem+json');
      expect(body.status).toBe(404);
    });

    it('asAt before a place was registered answers 404 as for an unknown place, as the map leaves it out then', async () => {
      const aleppo = uid('aleppo');
      const { position: earlier } = await command('/admin/factions', { factionId: uid('sna'), name: 'SNA' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const then = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const { position: registeredAt } = await command('/admin/places', { placeId: aleppo, name: 'Aleppo', country: 'SY' });
      await command(`/admin/places/${aleppo}/seizures`, { factionId: hts, fromFactionId: government, occurred: { date: '2024-11-30', precision: 'day' }, sources });
      const unknown = await query(`/territory/places/${uid('nowhere')}/history`);
      expect(unknown.body).toMatchObject({ status: 404, code: 'TERRITORY.UNKNOWN_PLACE', errors: [{ field: 'placeId' }] });

      for (const asAt of [earlier, encodeURIComponent(then)]) {
        for (const path of [`/territory/places/${aleppo}/control?asOf=2024-12-06&asAt=${asAt}`, `/territory/places/${aleppo}/history?asAt=${asAt}`]) {
          const { status, body, type } = await query(path);
          expect({ path, status, code: body.code, errors: body.errors }).toEqual({ path, status: 404, code: unknown.body.code, errors: [{ field: 'placeId', message: expect.any(String) }] });
          expect(type).toContain('application/problem+json');
        }
        const map = await query(`/territory/control?asOf=2024-12-06&asAt=${asAt}`);
        expect(map.body.map((entry: any) => entry.placeId)).not.toContain(aleppo);
      }
      // Registered, nothing known yet; then the seizure.
      expect((await query(`/territory/places/${aleppo}/control?asOf=2024-12-06&asAt=${registeredAt}`)).body).toMatchObject({ placeId: aleppo, controller: null });
      expect((await query(`/territory/places/${aleppo}/history?asAt=${registeredAt}`)).body).toEqual([]);
      expect((await query(`/territory/control?asOf=2024-12-06&asAt=${registeredAt}`)).body.map((entry: any) => entry.placeId)).toContain(aleppo);
      expect((await query(`/territory/places/${aleppo}/control?asOf=2024-12-06&asAt=${encodeURIComponent(new Date().toISOString())}`)).body).toMatchObject({ controller: hts });
    });

    it('answers 400 problem+json naming asOf / asAt for invalid values', async () => {
      const badDay = await query(`/territory/places/${hama}/control?asOf=2024-02-30`);
      expect(badDay.status).toBe(400);
      expect(badDay.type).toContain('application/problem+json');
      expect(badDay.body.errors.map((e: any) => e.field)).toContain('asOf');
      const badAsAt = await query(`/territory/places/${hama}/history?asAt=yesterday`);
      expect(badAsAt.status).toBe(400);
      expect(badAsAt.body.errors.map((e: any) => e.field)).toContain('asAt');
      const negative = await query(`/territory/places/${hama}/history?asAt=-1`);
      expect(negative.status).toBe(400);
    });
  });

  describe('leadership', () => {
    const [office, hafez, bashar] = [uid('president'), uid('hafez'), uid('bashar')];

    beforeAll(async () => {
      await command('/admin/offices', { officeId: office, title: 'President of Syria', jurisdiction: 'Syria' });
      await command('/admin/people', { personId: hafez, name: 'Hafez al-Assad' });
      await command('/admin/people', { personId: bashar, name: 'Bashar al-Assad' });
      await command(`/admin/offices/${office}/terms`, { personId: hafez, occurred: { date: '1971-03-14', precision: 'day' }, sources });
      await command(`/admin/offices/${office}/departures`, { personId: hafez, reason: 'died', occurred: { date: '2000-06-10', precision: 'day' }, sources });
      await command(`/admin/offices/${office}/terms`, { personId: bashar, occurred: { date: '2000-07-17', precision: 'day' }, sources });
    });

    it('GET /leadership/offices/:officeId/holder answers asOf a day, null when vacant', async () => {
      expect((await query(`/leadership/offices/${office}/holder?asOf=2024-12-07`)).body).toEqual(
        expect.objectContaining({ officeId: office, holder: bashar, acting: false, since: '2000-07-17' }),
      );
      expect((await query(`/leadership/offices/${office}/holder?asOf=2000-07-01`)).body).toEqual(
        expect.objectContaining({ officeId: office, holder: null, acting: false, since: '2000-06-10' }),
      );
    });

    it('GET /leadership/offices/:officeId/terms lists terms with predecessor and successor', async () => {
      const { status, body } = await query(`/leadership/offices/${office}/terms`);
      expect(status).toBe(200);
      expect(body.map((t: any) => ({ personId: t.personId, start: t.start, end: t.end, acting: t.acting, endReason: t.endReason, predecessorId: t.predecessorId, successorId: t.successorId }))).toEqual([
        { personId: hafez, start: '1971-03-14', end: '2000-06-10', acting: false, endReason: 'died', predecessorId: null, successorId: bashar },
        { personId: bashar, start: '2000-07-17', end: null, acting: false, endReason: null, predecessorId: hafez, successorId: null },
      ]);
    });

    it('GET /leadership/people/:personId/terms lists a person\'s terms', async () => {
      const { body } = await query(`/leadership/people/${bashar}/terms`);
      expect(body).toEqual([expect.objectContaining({ officeId: office, personId: bashar, start: '2000-07-17' })]);
      expect((await query(`/leadership/people/${uid('nobody')}/terms`)).status).toBe(404);
    });

    it('asAt before an office was established or a person registered answers 404 as for an unknown one', async () => {
      const [governor, mayor] = [uid('governor'), uid('mayor')];
      const { position: earlier } = await command('/admin/factions', { factionId: uid('sdf'), name: 'SDF' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const then = new Date().toISOString();
      await new Promise((resolve) => setTimeout(resolve, 5));
      const { position: established } = await command('/admin/offices', { officeId: governor, title: 'Governor of Idlib', jurisdiction: 'Idlib' });
      const { position: registered } = await command('/admin/people', { personId: mayor, name: 'A Mayor' });
      await command(`/admin/offices/${governor}/terms`, { personId: mayor, occurred: { date: '2024-12-09', precision: 'day' }, sources });
      const unknownOffice = await query(`/leadership/offices/${uid('nothing')}/terms`);
      expect(unknownOffice.body).toMatchObject({ status: 404, code: 'LEADERSHIP.UNKNOWN_OFFICE', errors: [{ field: 'officeId' }] });
      const unknownPerson = await query(`/leadership/people/${uid('nobody')}/terms`);
      expect(unknownPerson.body).toMatchObject({ status: 404, code: 'LEADERSHIP.UNKNOWN_PERSON', errors: [{ field: 'personId' }] });

      for (const asAt of [earlier, encodeURIComponent(then)]) {
        for (const [path, like] of [
          [`/leadership/offices/${governor}/holder?asOf=2024-12-10&asAt=${asAt}`, unknownOffice],
          [`/leadership/offices/${governor}/terms?asAt=${asAt}`, unknownOffice],
          [`/leadership/offices/${governor}/vacancies?asAt=${asAt}`, unknownOffice],
          [`/leadership/people/${mayor}/terms?asAt=${asAt}`, unknownPerson],
        ] as const) {
          const { status, body, type } = await query(path);
          expect({ path, status, code: body.code, errors: body.errors }).toEqual({ path, status: 404, code: like.body.code, errors: [{ field: like.body.errors[0].field, message: expect.any(String) }] });
          expect(type).toContain('application/problem+json');
        }
      }
      // Established (the person not yet registered): a vacant office with no terms; then the term.
      expect((await query(`/leadership/offices/${governor}/holder?asOf=2024-12-10&asAt=${established}`)).body).toMatchObject({ officeId: governor, holder: null });
      expect((await query(`/leadership/offices/${governor}/terms?asAt=${established}`)).body).toEqual([]);
      expect((await query(`/leadership/people/${mayor}/terms?asAt=${established}`)).status).toBe(404);
      expect((await query(`/leadership/people/${mayor}/terms?asAt=${registered}`)).body).toEqual([]);
      const now = encodeURIComponent(new Date().toISOString());
      expect((await query(`/leadership/offices/${governor}/holder?asOf=2024-12-10&asAt=${now}`)).body).toMatchObject({ holder: mayor });
      expect((await query(`/leadership/people/${mayor}/terms?asAt=${now}`)).body).toEqual([expect.objectContaining({ officeId: governor, personId: mayor })]);
    });

    it('validates asOf and asAt', async () => {
      const bad = await query(`/leadership/offices/${office}/holder?asOf=2024-13-01`);
      expect(bad.status).toBe(400);
      expect(bad.body.errors.map((e: any) => e.field)).toContain('asOf');
      expect((await query(`/leadership/offices/${office}/terms?asAt=nope`)).body.errors.map((e: any) => e.field)).toContain('asAt');
    });
  });
});
