import type { ManagedSetting } from '../../ipc/view';
import type { Policy } from '../ports';
import { hostOf } from './step';

/** What IT manages on this machine, for the "managed by your organization" note (worded by the renderer). */
export function managedSettings(policy: Policy): ManagedSetting[] {
  const managed: ManagedSetting[] = [];
  if (policy.presetServer) managed.push({ setting: 'presetServer', value: hostOf(policy.presetServer) });
  if (policy.allowedServers) managed.push({ setting: 'allowedServers', value: policy.allowedServers.join(', ') });
  if (policy.disableManualLogin) managed.push({ setting: 'disableManualLogin', value: null });
  if (policy.disableImport) managed.push({ setting: 'disableImport', value: null });
  if (policy.forceUnifiedLogin) managed.push({ setting: 'forceUnifiedLogin', value: null });
  if (policy.defaultLanguage) managed.push({ setting: 'defaultLanguage', value: policy.defaultLanguage });
  return managed;
}
