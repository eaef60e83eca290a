/** The end of an add form: what went wrong (announced as it appears), then the submit button. */
export function FormFooter({ error, submit }: { error: string | null; submit: string }) {
  return (
    <>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" className="primary">
        {submit}
      </button>
    </>
  );
}
