import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

// No Electron binary here: the `protocol` module is replaced by a recorder, so what main registers and how
// its handler answers real web Requests can be checked. The decision itself is electron/core/app-page.
const electron = vi.hoisted(() => ({
  protocol: {
    registerSchemesAsPrivileged: vi.fn(),
    handle: vi.fn<(scheme: string, handler: (request: Request) => Promise<Response>) => void>(),
  },
}));
vi.mock('electron', () => electron);

const { registerAppScheme, serveAppProtocol } = await import('../../electron/main/app-protocol');

let renderer = '';
beforeAll(async () => {
  renderer = await mkdtemp(path.join(os.tmpdir(), 'keyway-app-protocol-'));
  await mkdir(path.join(renderer, 'assets'));
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Keyway</title>');
  await writeFile(path.join(renderer, 'assets', 'app.js'), 'export {}');
});
afterAll(async () => {
  await rm(renderer, { recursive: true, force: true });
});

describe('the app:// wiring in main (electron/main/app-protocol.ts)', () => {
  it('registers app: as standard, secure and fetch-capable, and nothing more (no CORS bypass, no CSP bypass)', () => {
    registerAppScheme();
    expect(electron.protocol.registerSchemesAsPrivileged).toHaveBeenCalledWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });

  it("handles app: with the shared rule, as web Responses with the rule's status and headers", async () => {
    serveAppProtocol(renderer);
    const [scheme, handler] = electron.protocol.handle.mock.calls[0] ?? [];
    expect(scheme).toBe('app');
    if (!handler) throw new Error('no handler registered');

    const page = await handler(new Request('app://keyway/index.html'));
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await page.text()).toContain('<title>Keyway</title>');
    expect((await handler(new Request('app://keyway/assets/app.js'))).headers.get('content-type')).toBe(
      'text/javascript; charset=utf-8',
    );

    const traversal = await handler(new Request('app://keyway/..%2f..%2fetc%2fpasswd'));
    expect(traversal.status).toBe(400);
    expect(await traversal.text()).toBe('Bad request');
    expect((await handler(new Request('app://evil/index.html'))).status).toBe(404);
    const post = await handler(new Request('app://keyway/index.html', { method: 'POST', body: 'x' }));
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
  });

  it('main wires both: the scheme registered before `ready` (Electron ignores it later), served once ready', async () => {
    const main = await readFile(path.resolve(import.meta.dirname, '..', '..', 'electron', 'main', 'main.ts'), 'utf8');
    const register = main.indexOf('registerAppScheme()');
    const ready = main.indexOf('whenReady()');
    expect(register).toBeGreaterThan(0);
    expect(ready).toBeGreaterThan(register);
    expect(main.indexOf('serveAppProtocol(', ready)).toBeGreaterThan(ready);
    expect(main).toMatch(/appPageUrl = APP_PAGE_URL/);
  });
});
