import { type ReactNode, useState } from 'react';

/**
 * A button for what cannot be taken back (a deletion syncs to every device): the first tap asks, the
 * second does it. `confirm` is the label while it asks.
 */
export function ConfirmButton({
  onConfirm,
  confirm,
  className,
  children,
}: {
  onConfirm: () => void;
  confirm: string;
  className?: string;
  children: ReactNode;
}) {
  const [asking, setAsking] = useState(false);
  return (
    <button
      type="button"
      className={className}
      onClick={() => (asking ? onConfirm() : setAsking(true))}
      onBlur={() => setAsking(false)}
    >
      {asking ? confirm : children}
    </button>
  );
}
