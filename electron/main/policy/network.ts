import type { ProxyConfig, Session } from 'electron';
import type { MachinePolicy } from '../../core/machine-policy';

/**
 * The policy's `proxy` as Electron's proxy configuration: `system`, `direct`, or one fixed proxy for every
 * scheme. Null when the policy says nothing (Electron's default, the system settings, stays).
 */
export function toElectronProxyConfig(proxy: MachinePolicy['proxy']): ProxyConfig | null {
  if (proxy === undefined) return null;
  if (proxy === 'system') return { mode: 'system' };
  if (proxy === 'direct') return { mode: 'direct' };
  return { mode: 'fixed_servers', proxyRules: proxy };
}

/** Applies the network part of the policy to a session (Chromium's stack: the window, `net.fetch`). */
export async function applyNetworkPolicy(
  session: Pick<Session, 'setProxy'>,
  policy: Pick<MachinePolicy, 'proxy'> | null,
): Promise<void> {
  const config = toElectronProxyConfig(policy?.proxy);
  if (config !== null) await session.setProxy(config);
}
