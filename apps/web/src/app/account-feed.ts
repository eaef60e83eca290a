import type { MaterializedRow } from '@kakeibo/client/browser';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useKakeibo } from './kakeibo.js';

/** A row of an account's list: an expense, an income, or a transfer out of it or into it. */
export type AccountItem = MaterializedRow & { kind: 'expense' | 'income' | 'transfer' };

const PAGE = 50;

interface Stream {
  items: AccountItem[];
  cursor: string | null;
  done: boolean;
}

/** List order (as the SDK lists): newest date first, then row id descending. */
const before = (a: MaterializedRow, b: MaterializedRow) =>
  a.date === b.date ? a.id > b.id : String(a.date) > String(b.date);

/**
 * One account's entries and transfers, newest first. They are two keyset-paged lists in the SDK
 * (kb.transactions and kb.transfers, both by accountId), merged here: a row is shown only once the
 * other list has been read past it (or to its end), so nothing can later appear above a row already
 * shown. A change to any of the three tables re-reads what is on screen.
 */
export function useAccountFeed(accountId: string) {
  const kb = useKakeibo();
  const [state, setState] = useState<{ entries: Stream; transfers: Stream } | null>(null);
  const generation = useRef(0);
  const shown = useRef(PAGE);

  const read = useCallback(
    async (which: 'entries' | 'transfers', limit: number, cursor: string | null): Promise<Stream> => {
      const query = { accountId, limit, ...(cursor && { cursor }) };
      const page =
        which === 'entries'
          ? await kb.transactions.list(query)
          : await kb.transfers.list(query).then((p) => ({
              items: p.items.map((row) => ({ ...row, kind: 'transfer' as const })),
              nextCursor: p.nextCursor,
            }));
      return { items: page.items as AccountItem[], cursor: page.nextCursor, done: page.nextCursor === null };
    },
    [kb, accountId],
  );

  const reload = useCallback(async () => {
    const mine = ++generation.current;
    const limit = Math.max(PAGE, shown.current);
    const [entries, transfers] = await Promise.all([
      read('entries', limit, null),
      read('transfers', limit, null),
    ]);
    if (mine === generation.current) setState({ entries, transfers });
  }, [read]);

  useEffect(() => {
    shown.current = PAGE;
    setState(null);
    void reload();
  }, [reload]);

  useEffect(
    () =>
      kb.on('change', ({ table }) => {
        if (table === 'expenses' || table === 'income' || table === 'transfers') void reload();
      }),
    [kb, reload],
  );

  const items = state ? merge(state.entries, state.transfers) : [];
  const done = state ? state.entries.done && state.transfers.done : false;

  /** The next page of whichever list holds the rows shown next. */
  const loadMore = useCallback(async () => {
    if (!state) return;
    const mine = generation.current;
    const pending = (['entries', 'transfers'] as const).filter((w) => !state[w].done);
    // The list whose last row read comes first is the one that holds back the rows after it.
    const next = pending.sort((a, b) => {
      const [la, lb] = [state[a].items.at(-1), state[b].items.at(-1)];
      return la && lb && before(lb, la) ? 1 : -1;
    })[0];
    if (!next) return;
    const page = await read(next, PAGE, state[next].cursor);
    if (mine !== generation.current) return;
    shown.current += PAGE;
    setState((s) => (s ? { ...s, [next]: { ...page, items: [...s[next].items, ...page.items] } } : s));
  }, [state, read]);

  return { items, loaded: state !== null, done, loadMore };
}

/** Both lists in order, up to the first row that a list not read to its end could still precede. */
function merge(a: Stream, b: Stream): AccountItem[] {
  const out: AccountItem[] = [];
  let i = 0;
  let j = 0;
  for (;;) {
    const x = a.items[i];
    const y = b.items[j];
    if (x && y) {
      if (before(x, y)) {
        out.push(x);
        i++;
      } else {
        out.push(y);
        j++;
      }
    } else if (x && b.done) {
      out.push(x);
      i++;
    } else if (y && a.done) {
      out.push(y);
      j++;
    } else return out;
  }
}
