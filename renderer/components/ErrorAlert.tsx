// The console's one error line: in the error colour and announced at once (role="alert"); nothing without an error.
export function ErrorAlert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p role="alert" className="error-text">
      {message}
    </p>
  );
}
