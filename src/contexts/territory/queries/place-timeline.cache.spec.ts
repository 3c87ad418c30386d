import { Subject } from 'rxjs';
import { AppConfig } from '../../../config/app-config.js';
import type { ChangeKeys, ProjectionChange } from '../../../infrastructure/projections/projection.js';
import type { ProjectionRunnerApi } from '../../../infrastructure/projections/projection-runner.js';
import { ReadModelChanges } from '../../../infrastructure/projections/read-model-changes.js';
import { TerritoryControlProjection } from '../projections/territory-control.projection.js';
import { PlaceTimelineCache, type StoredPlace } from './place-timeline.cache.js';

/**
 * The cache against a runner whose change stream the test drives (a thread restart ends it and starts another, as
 * ThreadedProjectionRunner does); the store behind it is a counter of reads answering the current "stored" value.
 */
class Changes {
  stream = new Subject<ProjectionChange>();
  readonly runner = { changes$: { subscribe: (observer: never) => this.stream.subscribe(observer) } } as unknown as ProjectionRunnerApi;

  emit(keys: ChangeKeys, extra: Partial<ProjectionChange> = {}): void {
    this.stream.next({ projection: 'territory.control.v1', position: '1', preparePosition: '1', streamName: 's', eventType: 'CitySeized', eventId: 'e', keys, ...extra });
  }

  /** The thread died: its stream ends, the next one begins. */
  restart(): void {
    const ended = this.stream;
    this.stream = new Subject<ProjectionChange>();
    ended.complete();
  }
}

function setup(options: { exact?: boolean; places?: number } = {}) {
  const changes = new Changes();
  const modelChanges = new ReadModelChanges(changes.runner, options.exact ?? true);
  const config = Object.assign(new AppConfig(), { READ_CACHE_ENTRIES: options.places ?? 100 });
  const cache = new PlaceTimelineCache(modelChanges, new TerritoryControlProjection(), config);
  cache.onModuleInit();
  const stored = new Map<string, string>();
  const reads: string[] = [];
  const read = (placeId: string) => async (): Promise<StoredPlace> => {
    reads.push(placeId);
    const controller = stored.get(placeId);
    return { known: controller !== undefined, intervals: controller ? [{ controller } as never] : [] };
  };
  const controllerOf = async (placeId: string) => ((await cache.get(placeId, read(placeId))).intervals[0] as { controller?: string } | undefined)?.controller ?? null;
  return { changes, modelChanges, cache, stored, reads, controllerOf, read };
}

describe('PlaceTimelineCache', () => {
  it('reads a place once, then answers from memory until a change names it; other places stay', async () => {
    const { changes, stored, reads, controllerOf } = setup();
    stored.set('hama', 'gov').set('homs', 'gov');
    expect([await controllerOf('hama'), await controllerOf('hama'), await controllerOf('homs')]).toEqual(['gov', 'gov', 'gov']);
    expect(reads).toEqual(['hama', 'homs']);
    stored.set('hama', 'hts');
    expect(await controllerOf('hama')).toBe('gov'); // nothing announced yet: the store's change is not committed as far as this process knows
    changes.emit({ placeId: 'hama', factionId: 'hts' });
    expect(await controllerOf('hama')).toBe('hts');
    expect(await controllerOf('homs')).toBe('gov');
    expect(reads).toEqual(['hama', 'homs', 'hama']);
  });

  it('drops every version an amendment names (as recorded, before, after), and everything for a change naming no place', async () => {
    const { changes, stored, reads, controllerOf } = setup();
    for (const place of ['a', 'b', 'c', 'd']) stored.set(place, 'gov');
    for (const place of ['a', 'b', 'c', 'd']) await controllerOf(place);
    changes.emit({ placeId: 'a' }, { eventType: 'FactCorrected', before: { placeId: 'b' }, recorded: { placeId: 'c' } });
    for (const place of ['a', 'b', 'c', 'd']) await controllerOf(place);
    expect(reads.slice(4)).toEqual(['a', 'b', 'c']);
    changes.emit({ factionId: 'hts' }, { eventType: 'FactionRegistered' });
    for (const place of ['a', 'b', 'c', 'd']) await controllerOf(place);
    expect(reads.slice(7)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('keeps a place frozen: no caller can change what the next one is answered', async () => {
    const { cache, stored, read } = setup();
    stored.set('hama', 'gov');
    await cache.get('hama', read('hama'));
    const kept = await cache.get('hama', read('hama'));
    expect(() => (kept.intervals as unknown[]).push({ controller: 'hts' })).toThrow(TypeError);
    expect(() => Object.assign(kept.intervals[0], { controller: 'hts' })).toThrow(TypeError);
    expect((await cache.get('hama', read('hama'))).intervals).toEqual([{ controller: 'gov' }]);
  });

  it("ignores other projections' changes", async () => {
    const { changes, stored, reads, controllerOf } = setup();
    stored.set('hama', 'gov');
    await controllerOf('hama');
    changes.emit({ placeId: 'hama' }, { projection: 'timeline.facts.v1' });
    await controllerOf('hama');
    expect(reads).toEqual(['hama']);
  });

  it('does not keep a place read while a change was heard: the read may predate the change', async () => {
    const { changes, cache, stored, reads, read, controllerOf } = setup();
    stored.set('hama', 'gov');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = cache.get('hama', async () => {
      const place = await read('hama')();
      await gate;
      return place;
    });
    stored.set('hama', 'hts');
    changes.emit({ placeId: 'homs' }); // any change: the read began before it
    release();
    expect((await slow).intervals).toEqual([{ controller: 'gov' }]);
    expect(await controllerOf('hama')).toBe('hts');
    expect(reads).toEqual(['hama', 'hama']);
  });

  it('drops everything when the change stream ends (a projection thread restart) and follows the next one', async () => {
    const { changes, stored, reads, controllerOf } = setup();
    stored.set('hama', 'gov');
    await controllerOf('hama');
    stored.set('hama', 'hts'); // committed by the thread that died, never announced
    changes.restart();
    expect(await controllerOf('hama')).toBe('hts');
    stored.set('hama', 'sdf');
    changes.emit({ placeId: 'hama' }); // from the new thread
    expect(await controllerOf('hama')).toBe('sdf');
    expect(reads).toHaveLength(3);
  });

  it("drops everything when the projection's tables are replaced (a rebuild), of any version of it", async () => {
    const { modelChanges, stored, reads, controllerOf } = setup();
    stored.set('hama', 'gov');
    await controllerOf('hama');
    modelChanges.replaced('leadership.terms.v3');
    await controllerOf('hama');
    expect(reads).toHaveLength(1);
    stored.set('hama', 'hts');
    modelChanges.replaced('territory.control.v7');
    expect(await controllerOf('hama')).toBe('hts');
  });

  it('keeps at most READ_CACHE_ENTRIES places, the least recently asked dropped first', async () => {
    const { stored, reads, controllerOf } = setup({ places: 2 });
    for (const place of ['a', 'b', 'c']) stored.set(place, 'gov');
    for (const place of ['a', 'b', 'a', 'c', 'a', 'b']) await controllerOf(place);
    expect(reads).toEqual(['a', 'b', 'c', 'b']);
  });

  it.each([
    ['the changes are not exact (PostgreSQL, an import through the API)', { exact: false }],
    ['READ_CACHE_ENTRIES=0', { places: 0 }],
  ])('reads the store every time when %s', async (_, options) => {
    const { cache, stored, reads, controllerOf } = setup(options);
    stored.set('hama', 'gov');
    await controllerOf('hama');
    await controllerOf('hama');
    expect(cache.enabled).toBe(false);
    expect(reads).toEqual(['hama', 'hama']);
  });
});
