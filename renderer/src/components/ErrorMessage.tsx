import { useTranslation } from 'react-i18next';
import type { KeywayErrorShape } from '../../../electron/ipc/view';
import { formatDuration } from '../i18n';

/**
 * A failure the user can act on: the message, with its stable code for support and for tests. Core
 * words its errors in English with specifics (the host, the wrong character), so English shows that
 * text as is; other languages show the code's translated message (i18n/translation.ts's ErrorStrings:
 * one for every code, whoever raised it) and when to try again.
 */
export function ErrorMessage({ error, id }: { error: KeywayErrorShape | null; id: string }): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  if (!error) return null;
  let text = error.message;
  if (i18n.language !== 'en') {
    text = t(`errors.${error.code}`);
    if (error.retryAfter !== undefined && error.retryAfter > 0) {
      text += ` ${t('errors.retryAfter', { duration: formatDuration(error.retryAfter, i18n.language) })}`;
    }
  }
  return (
    <p className="error" id={id} role="alert" data-error-code={error.code}>
      {text}
    </p>
  );
}
