import { build } from 'esbuild';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKeytarSecretStore, loadKeytar } from '../../electron/core/adapters/keytar-secret-store';

const root = path.resolve(import.meta.dirname, '..', '..');

describe('keytar is loaded by a static require (electron/core/adapters/keytar-secret-store.ts)', () => {
  it('the default loader returns the real native module, synchronously', () => {
    const keytar = loadKeytar();
    expect(typeof keytar.getPassword).toBe('function');
    expect(typeof keytar.setPassword).toBe('function');
  });

  it('bundled as CommonJS (as main.cjs is), the call stays a plain require("keytar"), never import()', async () => {
    // The same esbuild options as scripts/build-node.mjs's main bundle: cjs, node, keytar external.
    const result = await build({
      entryPoints: [path.join(root, 'electron/core/adapters/keytar-secret-store.ts')],
      bundle: true,
      platform: 'node',
      target: 'node20',
      format: 'cjs',
      external: ['electron', 'keytar'],
      write: false,
      logLevel: 'silent',
    });
    const code = result.outputFiles[0]?.text ?? '';
    expect(code).toMatch(/\brequire\("keytar"\)/);
    expect(code).not.toMatch(/import\(["']keytar["']\)/);
  });

  it('a loader that throws (no native build for this architecture) is keychain_unavailable, not a crash', async () => {
    const store = createKeytarSecretStore('Keyway test', () => {
      throw new Error('keytar.node: wrong ELF class: ELFCLASS32');
    });
    await expect(store.get('x')).rejects.toMatchObject({ code: 'keychain_unavailable' });
    await expect(store.set('x', 'y')).rejects.toMatchObject({ code: 'keychain_unavailable' });
  });
});
