import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';

const LENGTH = 6;

/**
 * Six boxes for a one-time code: digits only, paste fills them all, Backspace goes back, and the
 * code is submitted as soon as the sixth digit is in.
 */
export function OtpInput({
  onComplete,
  disabled,
  describedBy,
}: {
  onComplete: (code: string) => void;
  disabled: boolean;
  describedBy?: string | undefined;
}): React.JSX.Element {
  const { t } = useTranslation();
  const [digits, setDigits] = useState<string[]>(Array<string>(LENGTH).fill(''));
  const boxes = useRef<(HTMLInputElement | null)[]>([]);
  // The first box takes the focus when the boxes appear; if they appear disabled (a code is on its
  // way), autoFocus cannot work, so the focus waits for them to be enabled.
  const focusWhenEnabled = useRef(disabled);
  useEffect(() => {
    if (disabled || !focusWhenEnabled.current) return;
    focusWhenEnabled.current = false;
    boxes.current[0]?.focus();
  }, [disabled]);

  const fill = (start: number, text: string): void => {
    const incoming = text
      .replace(/\D/g, '')
      .slice(0, LENGTH - start)
      .split('');
    if (incoming.length === 0) return;
    const next = [...digits];
    incoming.forEach((digit, offset) => (next[start + offset] = digit));
    setDigits(next);
    const last = Math.min(start + incoming.length, LENGTH - 1);
    boxes.current[last]?.focus();
    if (next.every((d) => d !== '')) {
      onComplete(next.join(''));
      setDigits(Array<string>(LENGTH).fill(''));
      boxes.current[0]?.focus();
    }
  };

  return (
    <div className="otp" role="group" aria-label={t('otp.group')} aria-describedby={describedBy}>
      {digits.map((digit, index) => (
        <input
          key={index}
          ref={(element) => {
            boxes.current[index] = element;
          }}
          aria-label={t('otp.digit', { index: index + 1, total: LENGTH })}
          inputMode="numeric"
          autoComplete={index === 0 ? 'one-time-code' : 'off'}
          autoFocus={index === 0}
          maxLength={LENGTH}
          disabled={disabled}
          value={digit}
          onChange={(event) => fill(index, event.target.value)}
          onPaste={(event) => {
            event.preventDefault();
            fill(0, event.clipboardData.getData('text'));
          }}
          onKeyDown={(event) => {
            if (event.key === 'Backspace' && digit === '' && index > 0) {
              const next = [...digits];
              next[index - 1] = '';
              setDigits(next);
              boxes.current[index - 1]?.focus();
            }
          }}
        />
      ))}
    </div>
  );
}
