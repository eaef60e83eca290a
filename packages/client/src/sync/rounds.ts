import { isKakeiboError, KakeiboError } from '@kakeibo/core';
import type { SessionHolder } from '../identity/session.js';
import type { SyncEngine, SyncResult } from './engine.js';
import type { SyncStatusMachine } from './status.js';

export interface SyncRoundsDeps {
  engine: SyncEngine;
  status: SyncStatusMachine;
  session: SessionHolder;
  /** Keeps the clock's state and re-reads the counts after a round (see compose.ts). */
  afterRound(): Promise<void>;
  now: () => number;
}

/**
 * Sync rounds one at a time: a round asked for while one runs waits for it and then runs once more
 * (so it sees what changed meanwhile). Each round's outcome moves the status.
 */
export class SyncRounds {
  private round: Promise<SyncResult> | null = null;

  constructor(private readonly deps: SyncRoundsDeps) {}

  async sync(): Promise<SyncResult> {
    if (!this.deps.session.get()) {
      throw new KakeiboError('auth.signed_out', 'Sign in before syncing: this device has no session.');
    }
    while (this.round) await this.round.catch(() => {});
    this.round = this.run();
    try {
      return await this.round;
    } finally {
      this.round = null;
    }
  }

  /** Resolves once the running round, if any, has ended (whatever its outcome). */
  async settled(): Promise<void> {
    await this.round?.catch(() => {});
  }

  private async run(): Promise<SyncResult> {
    const { engine, status } = this.deps;
    status.roundStarted();
    try {
      const result = await engine.round();
      status.roundSucceeded(result, new Date(this.deps.now()).toISOString());
      await this.deps.afterRound();
      return result;
    } catch (error) {
      status.roundFailed(
        isKakeiboError(error)
          ? { code: error.code, message: error.message }
          : { code: 'sync.failed', message: (error as Error).message },
      );
      await this.deps.afterRound();
      throw error;
    }
  }
}
