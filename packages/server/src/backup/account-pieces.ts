import { join } from 'node:path';
import type { BackupSource } from '../storage/index.js';
import type { Destination } from './destinations/types.js';
import { accountPieceName, type PieceLine, type PieceRef } from './format.js';
import type { BackupKeys } from './keys.js';
import { PieceWriter } from './pieces.js';

/**
 * The account tables (users, ledgers, devices, refresh tokens, the security log) in pieces of
 * about 32 ledgers. Where a group ends is decided by a keyed hash of each ledger id, not by a count,
 * so a new or deleted account changes only the group it falls in, and a group whose content did
 * not change since the parent backup is referenced again instead of being written again: an
 * incremental backup holds only the account pieces that changed.
 */

/** A group ends after a ledger whose hash falls below this (of 256): groups of 32 on average. */
const GROUP_END_BELOW = 8;
/** Still ends after this many ledgers, so a group's content stays bounded in memory. */
const MAX_GROUP = 256;
const PAGE = 1000;
/** Security events of no ledger per piece. */
const UNOWNED_PER_PIECE = 5000;

export interface AccountPieces {
  refs: PieceRef[];
  written: string[];
  accounts: number;
  bytes: number;
}

export async function writeAccountPieces(
  source: BackupSource,
  options: {
    keys: BackupKeys;
    destination: Destination;
    scratch: string;
    generation: string;
    /** Account pieces the parent backup listed (same generation): reused when the content is equal. */
    reusable: ReadonlyMap<string, PieceRef>;
  },
): Promise<AccountPieces> {
  const out: AccountPieces = { refs: [], written: [], accounts: 0, bytes: 0 };
  const listed = new Map<string, PieceRef>();
  const store = async (lines: PieceLine[]) => {
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    const name = accountPieceName(options.keys.contentId(`${options.generation}\n${text}`));
    if (listed.has(name)) return; // two groups of equal content: listed once
    const known = options.reusable.get(name);
    if (known) {
      listed.set(name, known);
      out.refs.push(known);
      return;
    }
    const writer = new PieceWriter(name, join(options.scratch, `piece-${out.refs.length}`), options.keys);
    for (const line of lines) await writer.write(line);
    const ref = await writer.store(options.destination);
    listed.set(name, ref);
    out.refs.push(ref);
    out.written.push(name);
    out.bytes += ref.bytes;
  };

  let group: string[] = [];
  const flush = async () => {
    if (group.length === 0) return;
    const accounts = await source.accounts(group);
    out.accounts += accounts.length;
    group = [];
    if (accounts.length) await store(accounts.map((account) => ({ t: 'account', account })));
  };
  for (let after: string | null = null; ; ) {
    const page = await source.ledgers(after, PAGE);
    for (const ledger of page) {
      group.push(ledger.id);
      const ends =
        Number.parseInt(options.keys.contentId(`group/${ledger.id}`).slice(0, 2), 16) < GROUP_END_BELOW;
      if (ends || group.length >= MAX_GROUP) await flush();
    }
    if (page.length < PAGE) break;
    after = page.at(-1)?.id ?? null;
  }
  await flush();

  for (let after: string | null = null; ; ) {
    const events = await source.unownedAudit(after, UNOWNED_PER_PIECE);
    if (events.length) await store(events.map((event) => ({ t: 'audit', event })));
    if (events.length < UNOWNED_PER_PIECE) break;
    after = events.at(-1)?.id ?? null;
  }
  return out;
}
