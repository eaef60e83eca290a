import type { UndoResult } from '@kakeibo/client/browser';
import { useState } from 'react';
import { useKakeibo } from '../app/kakeibo.js';

export interface UndoOffer {
  /** What happened, in words: "Expense added". */
  text: string;
  /** How many SDK steps the change was (undone and redone together). */
  steps: number;
  /** The change did not happen: the bar says why, with nothing to undo. */
  failed: boolean;
  id: number;
}

/** What an undo left as it was (the browser entry point does not export UndoResult). */
type Skipped = UndoResult['skipped'];

type State = { at: 'done' | 'undone' | 'redone' | 'spent'; note: string | null; busy: boolean };

/**
 * The bar under the title after a change: what happened and "Undo"; after an undo, "Redo". It stays
 * until dismissed or replaced by the next change (no timer: a person who reads slowly still gets
 * the chance). A polite live region, so a screen reader hears it without being interrupted.
 */
export function UndoBar({ offer, onDismiss }: { offer: UndoOffer; onDismiss: () => void }) {
  const kb = useKakeibo();
  const [state, setState] = useState<State>({ at: 'done', note: null, busy: false });

  async function run(direction: 'undo' | 'redo') {
    setState((s) => ({ ...s, busy: true }));
    const skipped: Skipped = [];
    let nothing = true;
    let rows = 0;
    try {
      for (let i = 0; i < offer.steps; i++) {
        const result = direction === 'undo' ? await kb.undo() : await kb.redo();
        if (!result) break;
        nothing = false;
        rows += result.rows;
        skipped.push(...result.skipped);
      }
    } catch (error) {
      setState({ at: state.at, note: (error as Error).message, busy: false });
      return;
    }
    if (nothing) {
      setState({
        at: state.at,
        note: `Nothing to ${direction} on this device any more (the app was reloaded since, perhaps).`,
        busy: false,
      });
      return;
    }
    // Everything was changed since elsewhere: nothing was written, so there is nothing to redo either.
    if (rows === 0) {
      setState({ at: 'spent', note: describeSkipped(skipped), busy: false });
      return;
    }
    setState({ at: direction === 'undo' ? 'undone' : 'redone', note: describeSkipped(skipped), busy: false });
  }

  const said = {
    done: offer.text,
    undone: `Undone: ${offer.text}`,
    redone: `Redone: ${offer.text}`,
    spent: `Nothing could be taken back: ${offer.text}.`,
  }[state.at];
  return (
    <div className="undo-bar" role="status" aria-live="polite" data-testid="undo-bar">
      <p className="undo-text">
        {said}
        {state.note && <span className="undo-note"> {state.note}</span>}
      </p>
      {state.at === 'spent' || offer.failed ? null : state.at === 'undone' ? (
        <button type="button" className="link-button" disabled={state.busy} onClick={() => void run('redo')}>
          Redo
        </button>
      ) : (
        <button type="button" className="link-button" disabled={state.busy} onClick={() => void run('undo')}>
          Undo
        </button>
      )}
      <button type="button" className="icon-button" aria-label="Dismiss" onClick={onDismiss}>
        ✕
      </button>
    </div>
  );
}

/** The names the screens give the fields (the field's own name otherwise). */
const FIELD_LABELS: Record<string, string> = {
  amount: 'the amount',
  currency: 'the currency',
  date: 'the date',
  payee: 'the payee',
  source: 'the source',
  note: 'the note',
  categoryId: 'the category',
  accountId: 'the account',
  tags: 'the tags',
  paymentMethod: 'the payment method',
  name: 'the name',
  kind: 'the kind',
  color: 'the colour',
  archived: 'archiving',
  limitAmount: 'the limit',
  period: 'the period',
  rollover: 'the rollover',
  alertThresholdPercent: 'the alert threshold',
  openingBalance: 'the opening balance',
  openingDate: 'the opening date',
  fromAccountId: 'the account it left',
  toAccountId: 'the account it went to',
  toAmount: 'the amount received',
  rate: 'the rate',
  defaultCurrency: 'the home currency',
  skipped: 'the skipped dates',
};

/**
 * What an undo (or redo) left as it was because it was changed since, elsewhere: in plain words,
 * or null when it reverted everything.
 */
export function describeSkipped(skipped: Skipped): string | null {
  if (skipped.length === 0) return null;
  if (skipped.some((s) => s.field === 'deleted')) {
    return 'It was deleted or changed on another device since, so that part was left as it is.';
  }
  const names = [...new Set(skipped.map((s) => FIELD_LABELS[s.field] ?? `the ${s.field}`))];
  const list = names.length === 1 ? names[0] : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
  return names.length === 1
    ? `But ${list} was changed since, on another device, so it was left as it is.`
    : `But ${list} were changed since, on another device, so they were left as they are.`;
}
