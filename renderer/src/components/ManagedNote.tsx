import { strings } from '../i18n';

/** Says which settings IT manages on this computer (machine policy), so nothing looks broken. */
export function ManagedNote({ managed }: { managed: readonly string[] }): React.JSX.Element | null {
  if (managed.length === 0) return null;
  return (
    <p className="managed" data-testid="managed-note">
      {strings.managedBy} {managed.join('; ')}.
    </p>
  );
}
