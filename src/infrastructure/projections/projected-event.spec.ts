import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import { toProjectedEvent } from './projected-event.js';

const recorded = (overrides: Record<string, unknown> = {}) =>
  ({
    event: {
      streamId: 'city-hama',
      id: 'e1',
      isJson: true,
      revision: 3n,
      type: 'CitySeized',
      created: new Date('2024-12-05T10:00:01Z'),
      data: { placeId: 'hama' },
      metadata: { actor: 'desk', recordedAt: '2024-12-05T12:00:00+02:00' },
      position: { commit: 120n, prepare: 118n },
      ...overrides,
    },
  }) as unknown as AllStreamResolvedEvent;

describe('toProjectedEvent', () => {
  it('maps a recorded event with its positions, data, metadata and recorded time', () => {
    expect(toProjectedEvent(recorded())).toEqual({
      id: 'e1',
      type: 'CitySeized',
      streamName: 'city-hama',
      revision: 3n,
      position: 120n,
      preparePosition: 118n,
      data: { placeId: 'hama' },
      metadata: { actor: 'desk', recordedAt: '2024-12-05T12:00:00+02:00' },
      recordedAt: '2024-12-05T10:00:00.000Z',
    });
  });

  it('parses binary JSON and falls back to the store timestamp without metadata', () => {
    const event = toProjectedEvent(recorded({ isJson: false, data: Buffer.from('{"a":1}'), metadata: new Uint8Array() }))!;
    expect(event.data).toEqual({ a: 1 });
    expect(event.metadata).toEqual({});
    expect(event.recordedAt).toBe('2024-12-05T10:00:01.000Z');
  });

  it('drops system events and streams', () => {
    expect(toProjectedEvent(recorded({ type: '$metadata' }))).toBeNull();
    expect(toProjectedEvent(recorded({ streamId: '$$city-hama' }))).toBeNull();
    expect(toProjectedEvent({} as AllStreamResolvedEvent)).toBeNull();
  });

  it('gives malformed data as an empty object rather than throwing', () => {
    expect(toProjectedEvent(recorded({ data: Buffer.from('not json') }))!.data).toEqual({});
  });
});
