import { useTranslation } from 'react-i18next';
import type { ViewOf } from '../../../electron/ipc/view';
import type { PasswordAction } from './passwordActions';

/**
 * Sign-in security's recovery codes: how many are left, and "Get new codes" (the password first: the page
 * asks it, and its `question` takes the button's place here).
 */
export function SecurityRecoveryCodes({
  view,
  onAsk,
  question,
}: {
  view: ViewOf<'security'>;
  onAsk: (action: PasswordAction) => void;
  question: React.ReactNode;
}): React.JSX.Element | null {
  const { t } = useTranslation();
  if (!view.loaded) return null;
  return (
    <>
      <h2>{t('recovery.securityTitle')}</h2>
      <p data-testid="security-recovery-status">
        {view.recoveryCodes === null
          ? t('recovery.securityNone')
          : t('recovery.securityLeft', { count: view.recoveryCodes.remaining })}
      </p>
      {question ?? (
        <button
          type="button"
          className="secondary"
          disabled={view.busy}
          onClick={() => onAsk({ command: 'regenerateRecoveryCodes' })}
        >
          {t('recovery.regenerate')}
        </button>
      )}
    </>
  );
}
