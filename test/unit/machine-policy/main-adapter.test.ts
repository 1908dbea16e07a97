import { describe, expect, it } from 'vitest';
import { loadMachinePolicy } from '../../../electron/core/machine-policy/load';
import { applyNetworkPolicy, toElectronProxyConfig } from '../../../electron/main/policy/network';

describe('loadMachinePolicy (electron/main): read once, log one line, hand core its Policy', () => {
  it('logs what applies and maps it for core', async () => {
    const lines: string[] = [];
    const loaded = await loadMachinePolicy({
      log: (line) => lines.push(line),
      read: {
        platform: 'linux',
        env: {},
        readTextFile: (file) =>
          Promise.resolve(file === '/etc/keyway/policy.json' ? '{"presetServer":"https://keyway.example.com"}' : null),
      },
    });
    expect(lines).toEqual(['Machine policy from /etc/keyway/policy.json: presetServer.']);
    expect(loaded.corePolicy).toEqual({
      presetServer: 'https://keyway.example.com',
      allowedServers: ['keyway.example.com'],
    });
  });

  it('logs why an invalid policy is ignored, and enforces nothing of it', async () => {
    const lines: string[] = [];
    const loaded = await loadMachinePolicy({
      log: (line) => lines.push(line),
      read: {
        platform: 'linux',
        env: {},
        readTextFile: () => Promise.resolve('{"allowedServers":["*"],"disableImport":true}'),
      },
    });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^Machine policy from \/etc\/keyway\/policy\.json IGNORED .*allowedServers\[0\]/);
    expect(loaded.corePolicy).toEqual({});
  });

  it('never throws, even when reading fails unexpectedly', async () => {
    const lines: string[] = [];
    const loaded = await loadMachinePolicy({
      log: (line) => lines.push(line),
      read: { platform: 'linux', env: {}, readTextFile: () => Promise.reject(new Error('EACCES')) },
    });
    expect(loaded.result.policy).toBeNull();
    expect(lines[0]).toMatch(/IGNORED.*EACCES/);
  });
});

describe('network policy → Electron session', () => {
  it('maps proxy settings', () => {
    expect(toElectronProxyConfig(undefined)).toBeNull();
    expect(toElectronProxyConfig('system')).toEqual({ mode: 'system' });
    expect(toElectronProxyConfig('direct')).toEqual({ mode: 'direct' });
    expect(toElectronProxyConfig('socks5://proxy.example.com:1080')).toEqual({
      mode: 'fixed_servers',
      proxyRules: 'socks5://proxy.example.com:1080',
    });
  });

  it('sets the proxy only when the policy has one', async () => {
    const calls: unknown[] = [];
    const session = { setProxy: (config: unknown) => Promise.resolve(void calls.push(config)) };
    await applyNetworkPolicy(session, null);
    await applyNetworkPolicy(session, {});
    await applyNetworkPolicy(session, { proxy: 'direct' });
    expect(calls).toEqual([{ mode: 'direct' }]);
  });
});
