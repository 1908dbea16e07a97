import type { KeywayErrorShape } from '../../../electron/ipc/view';

/** A failure the user can act on: the message, with its stable code for support and for tests. */
export function ErrorMessage({ error, id }: { error: KeywayErrorShape | null; id: string }): React.JSX.Element | null {
  if (!error) return null;
  return (
    <p className="error" id={id} role="alert" data-error-code={error.code}>
      {error.message}
    </p>
  );
}
