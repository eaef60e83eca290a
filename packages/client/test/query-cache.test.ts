import { describe, expect, it } from 'vitest';
import { QueryCache } from '../src/api/query-cache.js';

describe('QueryCache (pure logic)', () => {
  it('serves a page once loaded, and loads again after the table changed', async () => {
    const cache = new QueryCache();
    let loads = 0;
    const load = async () => ++loads;
    expect(await cache.get('expenses', 'page1', load)).toBe(1);
    expect(await cache.get('expenses', 'page1', load)).toBe(1);
    cache.invalidate('income');
    expect(await cache.get('expenses', 'page1', load)).toBe(1);
    cache.invalidate('expenses');
    expect(await cache.get('expenses', 'page1', load)).toBe(2);
  });

  it('never keeps a page whose load began before a change', async () => {
    const cache = new QueryCache();
    let release: (v: string) => void = () => {};
    const slow = cache.get('expenses', 'k', () => new Promise<string>((resolve) => (release = resolve)));
    cache.invalidate('expenses');
    release('stale');
    expect(await slow).toBe('stale');
    expect(await cache.get('expenses', 'k', async () => 'fresh')).toBe('fresh');
  });

  it('drops failed loads and stays bounded, least recently used first', async () => {
    const cache = new QueryCache(3);
    await expect(cache.get('expenses', 'x', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await cache.get('expenses', 'x', async () => 'ok')).toBe('ok');
    for (const key of ['a', 'b', 'c']) await cache.get('expenses', key, async () => key);
    expect(cache.size).toBe(3);
    expect(await cache.get('expenses', 'x', async () => 'reloaded')).toBe('reloaded');
  });
});
