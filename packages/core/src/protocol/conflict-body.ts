import { z } from 'zod';
import { readJson } from '../encoding/json.js';
import { KakeiboError } from '../errors.js';
import type { Conflict, ConflictSide } from '../sync/merge.js';
import { ConflictSideSchema } from './messages.js';

/**
 * The part of a conflict record that holds values (the two sides), stored as one JSON text by the
 * server's storage and the device's store alike (each seals it where its database is not encrypted
 * whole); the table, row, field and seq are columns of their own.
 */
export interface ConflictBody {
  winner: ConflictSide;
  loser: ConflictSide;
}

const ConflictBodySchema = z.strictObject({ winner: ConflictSideSchema, loser: ConflictSideSchema });

export const encodeConflictBody = (conflict: Pick<Conflict, 'winner' | 'loser'>): string =>
  JSON.stringify({ winner: conflict.winner, loser: conflict.loser } satisfies ConflictBody);

/** A stored body, checked: one that is not a conflict's (damaged, or from elsewhere) is `store.corrupt`. */
export function decodeConflictBody(text: string): ConflictBody {
  const body = readJson(ConflictBodySchema, text);
  if (!body)
    throw new KakeiboError('store.corrupt', 'A stored conflict record is damaged and cannot be read.');
  return body as ConflictBody;
}
