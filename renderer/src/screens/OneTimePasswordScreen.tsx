import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { ViewOf } from '../../../electron/ipc/view';
import { CommandButton } from '../components/Actions';
import { ErrorMessage } from '../components/ErrorMessage';
import { OtpInput } from '../components/OtpInput';
import { PasswordQuestion } from '../components/PasswordQuestion';
import { useEscape } from '../components/useEscape';
import { formatSeconds, useNow } from '../components/useNow';

type OneTimePasswordView = ViewOf<'oneTimePassword'>;

/**
 * A one-time password for another service (VPN, RADIUS). Core decides every step (ask, issue, show,
 * expire); this screen only renders it, keeps the typed password until it is sent once, and draws the
 * countdown to the expiry core published.
 */
export function OneTimePasswordScreen({
  view,
  client,
}: {
  view: OneTimePasswordView;
  client: KeywayClient;
}): React.JSX.Element {
  const { t } = useTranslation();
  useEscape(() => void client.invoke('goBack', {}).catch(() => undefined));
  const busy = view.phase === 'loading' || view.phase === 'issuing';
  const [authenticatorChosen, setAuthenticatorChosen] = useState(false);
  const withAuthenticator = authenticatorChosen && view.canUseAuthenticator;
  const asking = view.phase === 'ask' || view.phase === 'issuing';
  // While the password is asked, the error is shown under its field (PasswordQuestion); otherwise here.
  const questionShowsError = asking && !withAuthenticator;
  return (
    <section className="screen" aria-labelledby="otp-title" aria-busy={busy}>
      <h1 id="otp-title">{t('oneTimePassword.title')}</h1>
      <p className="lead">{t('oneTimePassword.lead', { host: view.serverHost, loginId: view.loginId })}</p>
      {busy && (
        <p role="status">{view.phase === 'loading' ? t('oneTimePassword.loading') : t('oneTimePassword.issuing')}</p>
      )}
      {asking && (
        <Reauthentication
          view={view}
          client={client}
          disabled={view.phase === 'issuing'}
          withAuthenticator={withAuthenticator}
          onWithAuthenticator={setAuthenticatorChosen}
        />
      )}
      {view.phase === 'showing' && view.otp && <ShownOtp otp={view.otp} />}
      {view.phase === 'expired' && (
        <>
          <p role="status" data-testid="otp-expired">
            {t('oneTimePassword.expired')}
          </p>
          <CommandButton client={client} command="newOneTimePassword" primary autoFocus>
            {t('oneTimePassword.again')}
          </CommandButton>
        </>
      )}
      <ErrorMessage error={questionShowsError ? null : view.error} id="otp-error" />
      <div className="actions">
        <CommandButton client={client} command="goBack">
          {t('back')}
        </CommandButton>
      </div>
    </section>
  );
}

/**
 * The password, asked by the shared PasswordQuestion (the same field, Show password, autocomplete and
 * error display as Sign-in security's), or, for users with one, a code from the authenticator app;
 * either is sent once. The question is the screen's own content: no Cancel, Escape and Back leave.
 */
function Reauthentication({
  view,
  client,
  disabled,
  withAuthenticator,
  onWithAuthenticator,
}: {
  view: OneTimePasswordView;
  client: KeywayClient;
  disabled: boolean;
  withAuthenticator: boolean;
  onWithAuthenticator: (withAuthenticator: boolean) => void;
}): React.JSX.Element {
  const { t } = useTranslation();
  const send = (proof: { password: string } | { authenticatorCode: string }): void =>
    void client.invoke('issueOneTimePassword', proof).catch(() => undefined);

  if (withAuthenticator) {
    return (
      <div className="otp-reauth">
        <p className="prompt" id="otp-code-prompt">
          {t('oneTimePassword.authenticatorPrompt')}
        </p>
        <OtpInput
          disabled={disabled}
          describedBy="otp-code-prompt"
          onComplete={(code) => send({ authenticatorCode: code })}
        />
        <button type="button" className="link" onClick={() => onWithAuthenticator(false)}>
          {t('oneTimePassword.usePassword')}
        </button>
      </div>
    );
  }
  return (
    <PasswordQuestion
      id="otp-password"
      label={t('oneTimePassword.reauth')}
      submitLabel={t('oneTimePassword.show')}
      error={view.error}
      disabled={disabled}
      onSubmit={(password) => send({ password })}
    >
      {view.canUseAuthenticator && (
        <button type="button" className="link" onClick={() => onWithAuthenticator(true)}>
          {t('oneTimePassword.useAuthenticator')}
        </button>
      )}
    </PasswordQuestion>
  );
}

/** The OTP, large and copyable, with a countdown bar to its expiry (no animation under reduced motion). */
function ShownOtp({ otp }: { otp: NonNullable<OneTimePasswordView['otp']> }): React.JSX.Element {
  const { t } = useTranslation();
  const now = useNow();
  const [copied, setCopied] = useState(false);
  const bar = useRef<HTMLDivElement | null>(null);
  const total = Math.max(1, otp.expiresAt - otp.issuedAt);
  const left = Math.max(0, Math.min(total, otp.expiresAt - now));
  const seconds = Math.ceil(left / 1000);
  useEffect(() => {
    // Set through the CSSOM: the CSP forbids inline style attributes, not style properties.
    if (bar.current) bar.current.style.transform = `scaleX(${left / total})`;
  }, [left, total]);
  return (
    <div className="otp-shown">
      <p className="otp-label" id="otp-value-label">
        {t('oneTimePassword.valueLabel')}
      </p>
      <p className="otp-value" data-testid="one-time-password" aria-labelledby="otp-value-label" translate="no">
        {/* Grouped 4 + 4 for reading; a copy takes the eight digits without the space. */}
        {otp.value.slice(0, 4)} {otp.value.slice(4)}
      </p>
      <button
        type="button"
        className="secondary"
        onClick={() =>
          void navigator.clipboard.writeText(otp.value).then(
            () => setCopied(true),
            () => setCopied(false),
          )
        }
      >
        {copied ? t('oneTimePassword.copied') : t('oneTimePassword.copy')}
      </button>
      <div
        className="countdown"
        role="progressbar"
        aria-label={t('oneTimePassword.expiresIn', { time: formatSeconds(left) })}
        aria-valuemin={0}
        aria-valuemax={Math.round(total / 1000)}
        aria-valuenow={seconds}
        aria-valuetext={t('oneTimePassword.remaining', { seconds })}
      >
        <div className="countdown-bar" ref={bar} />
      </div>
      <p className="hint">
        {t('oneTimePassword.expiresIn', { time: formatSeconds(left) })} · {t('oneTimePassword.once')}
      </p>
    </div>
  );
}
