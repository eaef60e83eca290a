import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { AccountSheet } from '../components/AccountSheet.js';
import { EntrySheet, type EntryTarget } from '../components/EntrySheet.js';
import { TransferSheet, type TransferTarget } from '../components/TransferSheet.js';
import type { AccountRow } from './accounts.js';

/**
 * The sheets, opened from any screen: an entry (the + button, a row of a list, an inventory item's
 * purchase), a transfer, an account. One of each for the whole app, so each looks and behaves the
 * same everywhere, and one at a time.
 */
type Open =
  | { sheet: 'entry'; target: EntryTarget }
  | { sheet: 'transfer'; target: TransferTarget }
  | { sheet: 'account'; account?: AccountRow };

interface Sheets {
  entry(target: EntryTarget): void;
  transfer(target: TransferTarget): void;
  /** The account to edit, or none for a new one. */
  account(account?: AccountRow): void;
}

const SheetsContext = createContext<Sheets>({ entry() {}, transfer() {}, account() {} });

export function EditorProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState<Open | null>(null);
  const close = useCallback(() => setOpen(null), []);
  const sheets = useMemo<Sheets>(
    () => ({
      entry: (target) => setOpen({ sheet: 'entry', target }),
      transfer: (target) => setOpen({ sheet: 'transfer', target }),
      account: (account) => setOpen(account ? { sheet: 'account', account } : { sheet: 'account' }),
    }),
    [],
  );
  return (
    <SheetsContext.Provider value={sheets}>
      {children}
      {open?.sheet === 'entry' && <EntrySheet target={open.target} onClose={close} />}
      {open?.sheet === 'transfer' && <TransferSheet target={open.target} onClose={close} />}
      {open?.sheet === 'account' && (
        <AccountSheet {...(open.account && { account: open.account })} onClose={close} />
      )}
    </SheetsContext.Provider>
  );
}

export const useSheets = () => useContext(SheetsContext);
/** Opens the entry sheet (what most screens need). */
export const useEditor = () => useContext(SheetsContext).entry;
