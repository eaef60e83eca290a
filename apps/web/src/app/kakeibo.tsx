import type { Kakeibo, SyncStatus } from '@kakeibo/client/browser';
import type { TableName } from '@kakeibo/core';
import { createContext, type ReactNode, useContext, useEffect, useRef, useState } from 'react';

/**
 * How screens reach the SDK: one Kakeibo per page, opened before the first render (main.tsx). Every
 * screen reads the local store through `useLive`, which re-reads when the tables it depends on
 * change (a local write, or rows arriving by sync), so nothing ever waits on the network.
 */
const KakeiboContext = createContext<Kakeibo | null>(null);

export function KakeiboProvider({ kb, children }: { kb: Kakeibo; children: ReactNode }) {
  return <KakeiboContext.Provider value={kb}>{children}</KakeiboContext.Provider>;
}

export function useKakeibo(): Kakeibo {
  const kb = useContext(KakeiboContext);
  if (!kb) throw new Error('useKakeibo outside KakeiboProvider');
  return kb;
}

/** The live sync status (online, syncing, changes waiting, last synced, last error). */
export function useStatus(): SyncStatus {
  const kb = useKakeibo();
  const [status, setStatus] = useState(() => kb.status());
  useEffect(() => {
    setStatus(kb.status());
    return kb.on('status', setStatus);
  }, [kb]);
  return status;
}

export interface Live<T> {
  data: T | undefined;
  error: Error | null;
  /** Re-read now (after an action whose tables are not watched). */
  reload(): void;
}

/**
 * The result of `load`, read from the local store now and again whenever one of `tables` changes.
 * `deps` are the inputs of `load` (a filter, a month): a change of them re-reads too. The previous
 * data stays on screen while a re-read runs, so nothing flickers or jumps.
 */
export function useLive<T>(
  load: (kb: Kakeibo) => Promise<T>,
  tables: readonly TableName[],
  deps: readonly unknown[],
): Live<T> {
  const kb = useKakeibo();
  const [state, setState] = useState<{ data: T | undefined; error: Error | null }>({
    data: undefined,
    error: null,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  // biome-ignore lint/correctness/useExhaustiveDependencies: deps are the caller's inputs of load; tick forces a re-read.
  useEffect(() => {
    let current = true;
    loadRef.current(kb).then(
      (data) => current && setState({ data, error: null }),
      (error: Error) => current && setState((s) => ({ data: s.data, error })),
    );
    return () => {
      current = false;
    };
  }, [kb, tick, ...deps]);
  const tablesKey = tables.join(',');
  useEffect(() => {
    const watched = new Set(tablesKey.split(','));
    return kb.on('change', ({ table }) => {
      if (watched.has(table)) setTick((t) => t + 1);
    });
  }, [kb, tablesKey]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}
