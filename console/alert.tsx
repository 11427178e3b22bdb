// A problem the user has to see (a refused call, a failed load): announced by screen readers as it appears.
export function Alert({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p class="error" role="alert">
      {message}
    </p>
  );
}
