import { RecentIdempotencyKeys } from './command-store.js';

describe('RecentIdempotencyKeys', () => {
  it('binds a key to the first stream that claims it; another stream gets that stream back', () => {
    const keys = new RecentIdempotencyKeys();
    expect(keys.claim('k', 'city-hama')).toBe('city-hama');
    expect(keys.claim('k', 'city-aleppo')).toBe('city-hama');
    expect(keys.claim('k', 'city-hama')).toBe('city-hama');
  });

  it('forgets a key no request used once every claim is settled, and keeps a used one', () => {
    const keys = new RecentIdempotencyKeys();
    keys.claim('refused', 'city-hama');
    keys.settle('refused', 'city-hama', false);
    expect(keys.claim('refused', 'city-aleppo')).toBe('city-aleppo');

    keys.claim('used', 'city-hama');
    keys.claim('used', 'city-hama');
    keys.settle('used', 'city-hama', true);
    keys.settle('used', 'city-hama', false);
    expect(keys.claim('used', 'city-aleppo')).toBe('city-hama');
  });

  it('holds at most its capacity, forgetting the oldest key first', () => {
    const keys = new RecentIdempotencyKeys(2);
    for (const key of ['a', 'b', 'c']) {
      keys.claim(key, 'city-hama');
      keys.settle(key, 'city-hama', true);
    }
    expect(keys.claim('a', 'city-aleppo')).toBe('city-aleppo');
    expect(keys.claim('c', 'city-aleppo')).toBe('city-hama');
  });
});
