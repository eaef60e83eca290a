import { createContext, type ReactNode, useCallback, useContext, useState } from 'react';
import { EntrySheet, type EntryTarget } from '../components/EntrySheet.js';

/**
 * The quick-add / edit sheet, opened from any screen (the + button, a row of the list, an inventory
 * item's purchase). One sheet for the whole app, so it looks and behaves the same everywhere.
 */
const EditorContext = createContext<(target: EntryTarget) => void>(() => {});

export function EditorProvider({ children }: { children: ReactNode }) {
  const [target, setTarget] = useState<EntryTarget | null>(null);
  const open = useCallback((next: EntryTarget) => setTarget(next), []);
  return (
    <EditorContext.Provider value={open}>
      {children}
      {target && <EntrySheet target={target} onClose={() => setTarget(null)} />}
    </EditorContext.Provider>
  );
}

export const useEditor = () => useContext(EditorContext);
