import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { MAX_PASSWORD_LENGTH, type KeywayErrorShape } from '../../../electron/ipc/view';
import { ErrorMessage } from './ErrorMessage';
import { useEscape } from './useEscape';

/**
 * "Enter your password to continue", asked before an action that needs the user to prove it is them
 * again (Sign-in security: add or remove an authenticator or a passkey, new recovery codes; the
 * one-time-password screen). The field has its label and the focus, takes what a password manager
 * offers (autocomplete current-password) and can be shown as text (Show password, as on the sign-in
 * password page); Enter (or the submit button) sends the password once and forgets it here. The
 * screen's last error, when given, is shown under the field (role=alert, so it is announced) and tied
 * to it, so a password core refused is read out where the next one is typed.
 *
 * With `onCancel`, Cancel and Escape close the question. Escape listens on the window, like every
 * screen's (useEscape): a screen that shows this question turns its own Escape off while the question
 * is open, so one press closes the question and a second leaves. Without `onCancel` the question is
 * the screen's own content (the one-time-password screen): no Cancel, and Escape stays the screen's.
 */
export function PasswordQuestion({
  id,
  label,
  submitLabel,
  error = null,
  disabled = false,
  onSubmit,
  onCancel,
  children,
}: {
  /** The field's id; the error under it is `${id}-error`. */
  id: string;
  /** The field's label; "Enter your password to continue" when not given. */
  label?: string;
  submitLabel: string;
  error?: KeywayErrorShape | null;
  /** While the screen is busy with the last password sent: nothing can be typed or sent. */
  disabled?: boolean;
  onSubmit: (password: string) => void;
  onCancel?: () => void;
  /** More ways to answer (e.g. a code from the authenticator app instead), under the buttons. */
  children?: React.ReactNode;
}): React.JSX.Element {
  const { t } = useTranslation();
  const [password, setPassword] = useState('');
  const [visible, setVisible] = useState(false);
  useEscape(onCancel ?? null);
  const errorId = `${id}-error`;
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        // The submit button is disabled while the field is empty or the screen busy; Enter must not send either.
        if (password === '' || disabled) return;
        setPassword('');
        onSubmit(password);
      }}
    >
      <label htmlFor={id}>{label ?? t('security.reauth')}</label>
      <div className="password-row">
        <input
          id={id}
          type={visible ? 'text' : 'password'}
          autoComplete="current-password"
          autoFocus
          maxLength={MAX_PASSWORD_LENGTH}
          value={password}
          disabled={disabled}
          aria-invalid={error !== null}
          aria-describedby={error ? errorId : undefined}
          onChange={(event) => setPassword(event.target.value)}
        />
        <button type="button" className="secondary" aria-pressed={visible} onClick={() => setVisible(!visible)}>
          {visible ? t('hidePassword') : t('showPassword')}
        </button>
      </div>
      <ErrorMessage error={error} id={errorId} />
      <div className="actions">
        {onCancel && (
          <button type="button" className="secondary" onClick={onCancel}>
            {t('cancel')}
          </button>
        )}
        <button type="submit" className="primary" disabled={disabled || password === ''}>
          {submitLabel}
        </button>
      </div>
      {children}
    </form>
  );
}
