import type { KeywayClient } from '../../../electron/ipc/client';
import type { CommandName } from '../../../electron/ipc/contract';

type NoInputCommand = Exclude<CommandName, 'getView' | 'setWelcomeInput' | 'chooseImport' | 'submitPassword'>;

/** A button that sends one input-less command to core. The screen stays as it is until core answers. */
export function CommandButton({
  client,
  command,
  children,
  primary = false,
  autoFocus = false,
}: {
  client: KeywayClient;
  command: NoInputCommand;
  children: string;
  primary?: boolean;
  autoFocus?: boolean;
}): React.JSX.Element {
  return (
    <button
      type="button"
      className={primary ? 'primary' : 'secondary'}
      autoFocus={autoFocus}
      // A failed call (connection lost) is shown by the connection banner; nothing to add here.
      onClick={() => void client.invoke(command, {}).catch(() => undefined)}
    >
      {children}
    </button>
  );
}
