import { useRef } from 'react';
import logoUrl from '../../../assets/logo.svg';
import { useTranslation } from 'react-i18next';

const TRIPLE_TAP_WINDOW_MS = 1500;

/**
 * The logo. On Welcome, three taps within 1.5 s open the hidden Manual Login (Ctrl/Cmd+Shift+M is the
 * keyboard way); counting taps is input handling, the decision to open it is core's.
 */
export function Logo({ onTripleTap }: { onTripleTap?: () => void }): React.JSX.Element {
  const { t } = useTranslation();
  const taps = useRef<number[]>([]);
  const image = <img className="logo" src={logoUrl} alt={t('appName')} width={72} height={72} />;
  if (!onTripleTap) return image;
  return (
    <div
      className="logo-button"
      onClick={(event) => {
        const now = event.timeStamp;
        taps.current = [...taps.current.filter((t) => now - t < TRIPLE_TAP_WINDOW_MS), now];
        if (taps.current.length >= 3) {
          taps.current = [];
          onTripleTap();
        }
      }}
    >
      {image}
    </div>
  );
}
