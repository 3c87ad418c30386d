import { amendedVersions, correctionDecider, type CorrectFact, type RetractFact } from './corrections.js';
import { deciderSpecification } from './decider-specification.js';

const spec = deciderSpecification(correctionDecider());
const sources = [{ outlet: 'Reuters' }];

const registered = { id: 'r1', type: 'PlaceRegistered', data: { placeId: 'hama', name: 'Hama', country: 'Syria' } };
const seized = {
  id: 'e1',
  type: 'CitySeized',
  data: { placeId: 'hama', factionId: 'hts', fromFactionId: 'gov', occurred: { date: '2024-12-05', precision: 'day' }, sources },
};
const correct = (changes: Record<string, unknown>, eventId = 'e1', check?: CorrectFact['check']): CorrectFact => ({
  type: 'CorrectFact',
  data: { eventId, changes, reason: 'misreported', notice: 'An earlier version misstated this.' },
  ...(check ? { check } : {}),
});
const corrected = (changes: Record<string, unknown>, eventId = 'e1') => ({
  id: `c-${JSON.stringify(changes)}`,
  type: 'FactCorrected',
  data: { eventId, factType: 'CitySeized', changes, reason: 'misreported', notice: 'An earlier version misstated this.' },
});
/** What the decider returns: the event without an id (handleCommand assigns it). */
const decided = (changes: Record<string, unknown>) => {
  const { id: _id, ...event } = corrected(changes);
  return event;
};
const retract = (eventId = 'e1'): RetractFact => ({ type: 'RetractFact', data: { eventId, reason: 'hoax', notice: 'We withdrew this report.' } });
const retracted = (eventId = 'e1') => ({ id: 'x1', type: 'FactRetracted', data: { eventId, factType: 'CitySeized', reason: 'hoax', notice: 'We withdrew this report.' } });

describe('corrections decider', () => {
  describe('CorrectFact', () => {
    it('records the changed fields with reason and notice, in the fact\'s stream', () =>
      spec.given([registered, seized]).when(correct({ occurred: { date: '2024-12-06', precision: 'day' } })).then([decided({ occurred: { date: '2024-12-06', precision: 'day' } })]));

    it('keeps only the fields whose value changes', () =>
      spec.given([registered, seized]).when(correct({ factionId: 'hts', summary: 'Entered.' })).then([decided({ summary: 'Entered.' })]));

    it('applies earlier corrections first (the latest value wins)', () =>
      spec.given([registered, seized, corrected({ factionId: 'sna' })]).when(correct({ factionId: 'hts' })).then([decided({ factionId: 'hts' })]));

    it('validates the merged body, naming the changed field under changes', () =>
      spec
        .given([seized])
        .when(correct({ occurred: { date: '2024-02-30', precision: 'day' } }, 'e1', (type, body) => {
          expect(type).toBe('CitySeized');
          expect(body).toMatchObject({ factionId: 'hts', occurred: { date: '2024-02-30' } });
          return [{ field: 'occurred.date', message: 'does not exist' }];
        }))
        .thenThrows('CORRECTIONS.INVALID_CHANGES', (e) => expect(e.errors).toEqual([{ field: 'changes.occurred.date', message: 'does not exist' }])));

    it('refuses to change the id of the stream\'s entity', () =>
      spec.given([seized]).when(correct({ placeId: 'aleppo' })).thenThrows('CORRECTIONS.IDENTITY_CHANGE', (e) => expect(e.errors[0].field).toBe('changes.placeId')));

    it('refuses empty changes, and changes equal to the current values', () => {
      spec.given([seized]).when(correct({})).thenThrows('CORRECTIONS.NO_CHANGES');
      spec.given([seized]).when(correct({ factionId: 'hts' })).thenThrows('CORRECTIONS.NO_CHANGES');
    });

    it('refuses changes equal to the current values with their fields in another order', () => {
      spec.given([seized]).when(correct({ occurred: { precision: 'day', date: '2024-12-05' } })).thenThrows('CORRECTIONS.NO_CHANGES');
      spec.given([seized]).when(correct({ sources: [{ outlet: 'Reuters' }], occurred: { precision: 'day', date: '2024-12-05' } })).thenThrows('CORRECTIONS.NO_CHANGES');
      // The order of a list is part of its value.
      const twoSources = { ...seized, data: { ...seized.data, sources: [{ outlet: 'A' }, { outlet: 'B' }] } };
      spec.given([twoSources]).when(correct({ sources: [{ outlet: 'B' }, { outlet: 'A' }] })).then([decided({ sources: [{ outlet: 'B' }, { outlet: 'A' }] })]);
    });

    it('refuses to correct a retracted fact', () =>
      spec.given([seized, retracted()]).when(correct({ factionId: 'sna' })).thenThrows('CORRECTIONS.FACT_RETRACTED', (e) => expect(e.kind).toBe('illegal-state')));

    it('refuses reference data and corrections themselves (not facts)', () => {
      spec.given([registered]).when(correct({ name: 'Hamah' }, 'r1')).thenThrows('CORRECTIONS.NOT_A_FACT', (e) => expect(e.kind).toBe('unprocessable'));
      const correction = corrected({ factionId: 'sna' });
      spec.given([seized, correction]).when(correct({ reason: 'x' }, correction.id)).thenThrows('CORRECTIONS.NOT_A_FACT');
    });

    it('answers not-found for an id the stream does not hold', () =>
      spec.given([seized]).when(correct({ factionId: 'sna' }, 'nope')).thenThrows('CORRECTIONS.UNKNOWN_EVENT', (e) => expect(e.kind).toBe('not-found')));
  });

  describe('RetractFact', () => {
    it('withdraws a fact with reason and notice', () => spec.given([seized]).when(retract()).then([{ type: 'FactRetracted', data: retracted().data }]));

    it('refuses to retract twice', () =>
      spec.given([seized, retracted()]).when(retract()).thenThrows('CORRECTIONS.ALREADY_RETRACTED', (e) => expect(e.errors[0].field).toBe('eventId')));

    it('refuses to retract a correction', () => {
      const correction = corrected({ factionId: 'sna' });
      spec.given([seized, correction]).when(retract(correction.id)).thenThrows('CORRECTIONS.NOT_A_FACT');
    });
  });
});

describe('amendedVersions (the fold of a correction chain)', () => {
  const recorded = seized.data as Record<string, unknown>;

  it('leaves a first retraction with the fact as recorded, before and after', () => {
    expect(amendedVersions(recorded, [])).toEqual({ recorded, before: recorded, after: recorded });
  });

  it('applies the earlier corrections in order for `before`, then the amendment’s own changes for `after`', () => {
    const versions = amendedVersions(recorded, [{ factionId: 'sna' }, { factionId: 'isis', fromFactionId: null }], { confidence: 'low' });
    expect(versions.recorded).toBe(recorded);
    expect(versions.before).toEqual({ ...recorded, factionId: 'isis', fromFactionId: undefined });
    expect(versions.before).not.toHaveProperty('fromFactionId');
    expect(versions.after).toEqual({ ...versions.before, confidence: 'low' });
  });

  it('leaves a retraction after a correction with the fact as that correction left it', () => {
    const versions = amendedVersions(recorded, [{ factionId: 'sna' }], undefined);
    expect(versions.before.factionId).toBe('sna');
    expect(versions.after).toEqual(versions.before);
    expect(versions.recorded.factionId).toBe('hts');
  });

  it('counts changes that are not an object (a malformed recorded event) as none, and never mutates the fact', () => {
    const copy = structuredClone(recorded);
    const versions = amendedVersions(recorded, ['factionId', null, [1]], 42);
    expect(versions.after).toEqual(recorded);
    expect(recorded).toEqual(copy);
  });
});
