import { useLayoutEffect, useRef } from 'react';

/**
 * Escape does what the screen's Cancel/Back button does (the keyboard's "never mind"). Ignored while an
 * input method is composing text, and when `handler` is null (nothing to cancel on this screen now).
 */
export function useEscape(handler: (() => void) | null): void {
  const current = useRef(handler);
  useLayoutEffect(() => {
    current.current = handler;
  });
  const enabled = handler !== null;
  // A layout effect: listening from the same commit that shows the screen and focuses its field, so an
  // Escape pressed the moment the screen appears is never lost to a not-yet-run passive effect.
  useLayoutEffect(() => {
    if (!enabled) return;
    const onKey = (event: KeyboardEvent): void => {
      if (event.key !== 'Escape' || event.isComposing || event.defaultPrevented) return;
      event.preventDefault();
      current.current?.();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled]);
}
