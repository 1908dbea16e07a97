import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { KeywayClient } from '../../../electron/ipc/client';
import type { UpdateState } from '../../../electron/ipc/contract';
import { CommandButton } from './Actions';

/**
 * "Restart to update", once main's updater has downloaded a new version (Electron only; the harness never
 * has one). Asks once, then follows the `update` event; an event that arrives first wins over the answer.
 */
export function UpdateBanner({ client }: { client: KeywayClient }): React.JSX.Element | null {
  const { t } = useTranslation();
  const [update, setUpdate] = useState<UpdateState | null>(null);
  useEffect(() => {
    let sawEvent = false;
    const off = client.on('update', (next) => {
      sawEvent = true;
      setUpdate(next);
    });
    void client
      .invoke('getUpdate', {})
      .then((initial) => {
        if (!sawEvent) setUpdate(initial);
      })
      .catch(() => undefined);
    return off;
  }, [client]);
  if (!update?.ready) return null;
  return (
    <div className="banner update" role="status" data-testid="update-banner">
      <p>{update.version === null ? t('update.readyUnnamed') : t('update.ready', { version: update.version })}</p>
      <CommandButton client={client} command="restartToUpdate">
        {t('update.restart')}
      </CommandButton>
    </div>
  );
}
