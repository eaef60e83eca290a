import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { UndoBar, type UndoOffer } from '../components/UndoBar.js';

/**
 * The "Undo" offer after every change the person makes. A screen writes through `useChange()`:
 * the write runs, then the bar says what happened and offers Undo (kb.undo(), which reverts this
 * device's last step by writing its inverse, so the undo syncs too). Because every change can be
 * taken back this way, deletions happen on the first tap: no second "are you sure" tap.
 *
 * `steps` is how many SDK steps the change was (moving an entry between expense and income writes
 * the new row and deletes the old one: two steps, undone together).
 */
type Offer = (text: string, steps?: number, failed?: boolean) => void;

const UndoContext = createContext<Offer>(() => {});
const CurrentOffer = createContext<{ offer: UndoOffer | null; dismiss: () => void }>({
  offer: null,
  dismiss() {},
});

export function UndoProvider({ children }: { children: ReactNode }) {
  const [offer, setOffer] = useState<UndoOffer | null>(null);
  // A new offer replaces the last one: Undo always means the newest change, as kb.undo() does.
  const show = useCallback<Offer>(
    (text, steps = 1, failed = false) =>
      setOffer((last) => ({ text, steps, failed, id: (last?.id ?? 0) + 1 })),
    [],
  );
  const dismiss = useCallback(() => setOffer(null), []);
  const current = useMemo(() => ({ offer, dismiss }), [offer, dismiss]);
  return (
    <UndoContext.Provider value={show}>
      <CurrentOffer.Provider value={current}>{children}</CurrentOffer.Provider>
    </UndoContext.Provider>
  );
}

/** Where the bar shows: at the top of the screen's content, on every screen. */
export function UndoSlot() {
  const { offer, dismiss } = useContext(CurrentOffer);
  return offer ? <UndoBar key={offer.id} offer={offer} onDismiss={dismiss} /> : null;
}

/**
 * `change(text, write)`: runs the write (its errors are the caller's, shown in its form), then
 * offers to undo it, saying `text` ("Expense added").
 */
export function useChange() {
  const offer = useContext(UndoContext);
  return useCallback(
    async <T,>(text: string, write: () => Promise<T>, steps = 1): Promise<T> => {
      const result = await write();
      offer(text, steps);
      return result;
    },
    [offer],
  );
}

/**
 * For a change made by one tap, with no form to show its error in (a deletion from a list, a
 * skip): a failure is said in the bar instead ("This row no longer exists" when another device
 * deleted it first).
 */
export function useTap() {
  const offer = useContext(UndoContext);
  const change = useChange();
  return useCallback(
    (text: string, write: () => Promise<unknown>) => {
      change(text, write).catch((error: Error) => offer(`${text} did not work: ${error.message}`, 0, true));
    },
    [change, offer],
  );
}
