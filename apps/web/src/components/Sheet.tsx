import { type FormEvent, type ReactNode, useEffect, useId, useRef } from 'react';

/**
 * The frame of every sheet (an entry, an account, a transfer): a modal dialog sliding up from the
 * bottom on phones, its form, its title and a close button. Focus stays inside; Escape closes it.
 */
export function Sheet({
  title,
  onClose,
  onSubmit,
  children,
}: {
  title: string;
  onClose: () => void;
  onSubmit: (event: FormEvent) => void;
  children: ReactNode;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    dialog.current?.showModal();
  }, []);
  return (
    <dialog ref={dialog} className="sheet" aria-labelledby={titleId} onClose={onClose}>
      <form className="sheet-body" onSubmit={onSubmit} noValidate>
        <div className="sheet-head">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label="Close" onClick={onClose}>
            ✕
          </button>
        </div>
        {children}
      </form>
    </dialog>
  );
}
