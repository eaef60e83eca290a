import { FormError } from './FormError.js';

/** The end of an add form: what went wrong, then the submit button. */
export function FormFooter({ error, submit }: { error: string | null; submit: string }) {
  return (
    <>
      <FormError error={error} />
      <button type="submit" className="primary">
        {submit}
      </button>
    </>
  );
}
