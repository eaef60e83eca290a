import type { Kakeibo, MaterializedRow } from '@kakeibo/client/browser';
import { useLive } from './kakeibo.js';

export interface CategoryRow {
  id: string;
  name: string;
  kind: 'expense' | 'income';
  color: string | null;
  archived: boolean;
}

/** Every category of the ledger, by name (a ledger has tens of them, read in full). */
export async function loadCategories(kb: Kakeibo): Promise<CategoryRow[]> {
  const all: MaterializedRow[] = [];
  let cursor: string | undefined;
  do {
    const page = await kb.categories.list({ limit: 500, ...(cursor && { cursor }) });
    all.push(...page.items);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return all
    .map((row) => ({
      id: row.id,
      name: String(row.name ?? ''),
      kind: row.kind === 'income' ? ('income' as const) : ('expense' as const),
      color: typeof row.color === 'string' ? row.color : null,
      archived: row.archived === true,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
}

export function useCategories() {
  const live = useLive(loadCategories, ['categories'], []);
  const list = live.data ?? [];
  const byId = new Map(list.map((c) => [c.id, c]));
  return { list, byId, loaded: live.data !== undefined };
}
