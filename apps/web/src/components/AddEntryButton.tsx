import { useEditor } from '../app/editor.js';

/** The floating + of the screens that list entries: a new expense in the sheet. */
export function AddEntryButton() {
  const openEditor = useEditor();
  return (
    <button
      type="button"
      className="fab"
      aria-label="Add an entry"
      onClick={() => openEditor({ kind: 'expense' })}
    >
      +
    </button>
  );
}
