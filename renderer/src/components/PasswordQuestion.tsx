import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PASSWORD_LENGTH, type KeywayErrorShape } from '../../../electron/ipc/view';
import { ErrorMessage } from './ErrorMessage';
import { useEscape } from './useEscape';

/**
 * "Enter your password to continue", asked before an action that changes how the user signs in (Sign-in
 * security: add or remove an authenticator or a passkey, new recovery codes). The field has its label and
 * the focus; Enter (or the submit button) sends the password once and forgets it here; Cancel and Escape
 * close the question. The screen's last error, when given, is shown under the field (role=alert, so it is
 * announced) and tied to it, so a password core refused is read out where the next one is typed.
 *
 * Escape listens on the window, like every screen's (useEscape): a screen that shows this question turns
 * its own Escape off while the question is open, so one press closes the question and a second leaves.
 */
export function PasswordQuestion({
  id,
  submitLabel,
  error = null,
  onSubmit,
  onCancel,
}: {
  /** The field's id; the error under it is `${id}-error`. */
  id: string;
  submitLabel: string;
  error?: KeywayErrorShape | null;
  onSubmit: (password: string) => void;
  onCancel: () => void;
}): React.JSX.Element {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  useEscape(onCancel);
  const errorId = `${id}-error`;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        // Continue is disabled while the field is empty; Enter in an empty field must not send either.
        if (password === '') return;
        setPassword('');
        onSubmit(password);
      }}
    >
      <label htmlFor={id}>{t('security.reauth')}</label>
      <input
        id={id}
        type="password"
        autoComplete="current-password"
        autoFocus
        maxLength={MAX_PASSWORD_LENGTH}
        value={password}
        aria-invalid={error !== null}
        aria-describedby={error ? errorId : undefined}
        onChange={(event) => setPassword(event.target.value)}
      />
      <ErrorMessage error={error} id={errorId} />
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel}>
          {t('cancel')}
        </button>
        <button type="submit" className="primary" disabled={password === ''}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}
