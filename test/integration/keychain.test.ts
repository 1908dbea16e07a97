import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createKeytarSecretStore } from '../../electron/core/adapters/keytar-secret-store';

// Runs inside scripts/with-keyring.mjs: a private, unlocked gnome-keyring on its own D-Bus session.
describe('keytar against a real Secret Service', () => {
  const store = createKeytarSecretStore('Keyway test');

  it('stores, reads back and deletes a secret', async () => {
    const account = `test:${randomUUID()}`;
    expect(await store.get(account)).toBeNull();
    await store.set(account, 'refresh-token-value');
    expect(await store.get(account)).toBe('refresh-token-value');
    await store.set(account, 'rotated-value');
    expect(await store.get(account)).toBe('rotated-value');
    expect(await store.delete(account)).toBe(true);
    expect(await store.get(account)).toBeNull();
    expect(await store.delete(account)).toBe(false);
  });

  it('keeps accounts apart', async () => {
    const a = `test:${randomUUID()}`;
    const b = `test:${randomUUID()}`;
    await store.set(a, 'one');
    await store.set(b, 'two');
    expect([await store.get(a), await store.get(b)]).toEqual(['one', 'two']);
    await Promise.all([store.delete(a), store.delete(b)]);
  });

  it('reports a missing keychain as keychain_unavailable, never as a crash', async () => {
    const broken = createKeytarSecretStore('Keyway test', () =>
      Promise.reject(new Error('The name org.freedesktop.secrets was not provided')),
    );
    await expect(broken.get('x')).rejects.toMatchObject({ code: 'keychain_unavailable' });
    await expect(broken.set('x', 'y')).rejects.toMatchObject({ code: 'keychain_unavailable' });
  });
});
