import { readJson, type Session, SessionSchema } from '@kakeibo/core';
import { META_KEYS } from '../store/meta-keys.js';
import type { MetaStore } from '../store/types.js';

/**
 * The device's session (access and refresh tokens), kept in the local store and in memory. What is
 * read back is checked with core's SessionSchema: a stored session that does not read counts as none
 * (the person signs in again), never as tokens the transport would send half-formed.
 */
export class SessionHolder {
  private constructor(
    private readonly store: MetaStore,
    private session: Session | null,
  ) {}

  static async open(store: MetaStore): Promise<SessionHolder> {
    return new SessionHolder(store, parseSession(await store.getMeta(META_KEYS.session)));
  }

  get(): Session | null {
    return this.session;
  }

  /** Kept at once: a rotated refresh token is the only one that still works. */
  async save(next: Session | null): Promise<void> {
    this.session = next;
    await this.store.setMeta(META_KEYS.session, next ? JSON.stringify(next) : null);
  }
}

const parseSession = (text: string | null): Session | null =>
  (text !== null && readJson(SessionSchema, text)) || null;
