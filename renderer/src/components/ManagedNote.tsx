import { useTranslation } from 'react-i18next';
import type { ManagedSetting } from '../../../electron/ipc/view';
import { languageName } from '../i18n';

/** Says which settings IT manages on this computer (machine policy), so nothing looks broken. */
export function ManagedNote({ managed }: { managed: readonly ManagedSetting[] }): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  if (managed.length === 0) return null;
  const words = managed.map(({ setting, value }) => {
    const shown = setting === 'defaultLanguage' && value !== null ? languageName(value, i18n.language) : value;
    return t(`managed.${setting}`, { value: shown ?? '' });
  });
  return (
    <p className="managed" data-testid="managed-note">
      {t('managedBy')} {words.join('; ')}.
    </p>
  );
}
