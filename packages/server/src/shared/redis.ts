import { KakeiboError } from '@kakeibo/core';
import { Redis } from 'ioredis';
import type { NonceCache } from '../services/nonce-cache.js';
import type { RateLimiter } from '../services/rate-limiter.js';
import type { Notifier, ServerEvent, TicketHolder, TicketStore } from './events.js';

/**
 * Everything instances share through Redis: pub/sub notices, signature nonces, rate-limit windows and
 * realtime tickets. Redis is a cache here, never the source of truth: losing it loses nothing durable
 * (nonces and windows restart, sockets reconnect, devices pull).
 */
export class RedisShared implements Notifier, RateLimiter, NonceCache, TicketStore {
  private readonly client: Redis;
  private readonly subscriber: Redis;
  private readonly handlers = new Set<(event: ServerEvent) => void>();
  private readonly channel: string;

  private constructor(
    url: string,
    private readonly prefix: string,
  ) {
    const options = { lazyConnect: true, maxRetriesPerRequest: 2, enableOfflineQueue: false };
    this.client = new Redis(url, options);
    this.subscriber = new Redis(url, options);
    this.channel = `${prefix}events`;
    // Reconnection is ioredis's job; an error event without a listener would crash the process.
    this.client.on('error', () => {});
    this.subscriber.on('error', () => {});
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel !== this.channel) return;
      let event: ServerEvent;
      try {
        event = JSON.parse(message) as ServerEvent;
      } catch {
        return;
      }
      for (const handler of this.handlers) handler(event);
    });
  }

  static async connect(url: string, prefix = 'kakeibo:'): Promise<RedisShared> {
    const shared = new RedisShared(url, prefix);
    try {
      await shared.client.connect();
      await shared.subscriber.connect();
      await shared.subscriber.subscribe(shared.channel);
    } catch (error) {
      shared.client.disconnect();
      shared.subscriber.disconnect();
      throw new KakeiboError(
        'config.redis',
        `Cannot reach Redis at ${redactUrl(url)}: ${(error as Error).message}`,
      );
    }
    return shared;
  }

  get ready(): boolean {
    return this.client.status === 'ready' && this.subscriber.status === 'ready';
  }

  async close(): Promise<void> {
    this.handlers.clear();
    await Promise.allSettled([this.client.quit(), this.subscriber.quit()]);
  }

  // ---- Notifier ---------------------------------------------------------------------------------
  async publish(event: ServerEvent): Promise<void> {
    await this.client.publish(this.channel, JSON.stringify(event));
  }

  subscribe(handler: (event: ServerEvent) => void): () => void {
    this.handlers.add(handler);
    return () => this.handlers.delete(handler);
  }

  // ---- RateLimiter ------------------------------------------------------------------------------
  async record(key: string, windowMs: number) {
    const k = `${this.prefix}rl:${key}`;
    // One MULTI: the window's key is created with its expiry before it is counted, so a counter can
    // never outlive its window (a lost PEXPIRE after an INCR would lock an account out for good).
    const replies = (await this.client.multi().set(k, '0', 'PX', windowMs, 'NX').incr(k).pttl(k).exec()) as [
      [Error | null, unknown],
      [Error | null, number],
      [Error | null, number],
    ];
    const failed = replies.find(([error]) => error);
    if (failed) throw failed[0];
    const count = replies[1][1];
    const ttl = replies[2][1];
    return { count, resetAt: Date.now() + (ttl > 0 ? ttl : windowMs) };
  }

  async peek(key: string) {
    const k = `${this.prefix}rl:${key}`;
    const [[, count], [, ttl]] = (await this.client.multi().get(k).pttl(k).exec()) as [
      [null, string | null],
      [null, number],
    ];
    return { count: Number(count ?? 0), resetAt: Date.now() + Math.max(0, ttl) };
  }

  async release(key: string) {
    // In one step: a window that ended meanwhile is not brought back as a counter without expiry.
    await this.client.eval(RELEASE_SCRIPT, 1, `${this.prefix}rl:${key}`);
  }

  async reset(key: string) {
    await this.client.del(`${this.prefix}rl:${key}`);
  }

  // ---- NonceCache ---------------------------------------------------------------------------------
  async remember(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.set(`${this.prefix}nonce:${key}`, '1', 'PX', ttlMs, 'NX')) === 'OK';
  }

  // ---- TicketStore --------------------------------------------------------------------------------
  async issue(ticket: string, holder: TicketHolder, ttlMs: number): Promise<void> {
    await this.client.set(`${this.prefix}ticket:${ticket}`, JSON.stringify(holder), 'PX', ttlMs);
  }

  async consume(ticket: string): Promise<TicketHolder | null> {
    const value = await this.client.getdel(`${this.prefix}ticket:${ticket}`);
    return value ? (JSON.parse(value) as TicketHolder) : null;
  }
}

/** DECR only an existing counter above zero (the key keeps its expiry). */
const RELEASE_SCRIPT =
  "if (tonumber(redis.call('get', KEYS[1]) or '0') > 0) then return redis.call('decr', KEYS[1]) end return 0";

/** Never print a password that is part of a Redis URL. */
const redactUrl = (url: string) => url.replace(/\/\/([^@/]*)@/, '//***@');
