export function ErrorBox({ error }: { error: Error }) {
  return (
    <p role="alert" className="error-box">
      {error.message}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="loading" aria-live="polite">
      Loading {what}…
    </p>
  );
}
