import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  APP_ORIGIN,
  APP_PAGE_URL,
  appContentSecurityPolicy,
  resolveAppRequest,
  serveAppRequest,
} from '../../electron/core/app-page/app-page';
import { createStaticSite } from '../../electron/harness/static-site';
import { HARNESS_SOCKET_PATH } from '../../electron/ipc/wire';

// A renderer folder with a secret beside it (what traversal would reach), a dotfile, a folder and a file
// of a type the build never produces.
let work = '';
let renderer = '';
beforeAll(async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'keyway-app-page-'));
  renderer = path.join(work, 'renderer');
  await mkdir(path.join(renderer, 'assets', 'sub'), { recursive: true });
  await writeFile(path.join(renderer, 'index.html'), '<!doctype html><title>Keyway</title>');
  await writeFile(path.join(renderer, 'assets', 'index-abc.js'), 'console.log(1)');
  await writeFile(path.join(renderer, 'assets', 'index-abc.css'), 'body{}');
  await writeFile(path.join(renderer, 'assets', 'font.woff2'), 'wOF2');
  await writeFile(path.join(renderer, 'assets', 'logo.svg'), '<svg/>');
  await writeFile(path.join(renderer, '.env'), 'SECRET=1');
  await mkdir(path.join(renderer, '.git'));
  await writeFile(path.join(renderer, '.git', 'config.js'), 'secret');
  await writeFile(path.join(renderer, 'notes.txt'), 'not part of the build');
  await writeFile(path.join(renderer, 'main.cjs.map'), '{}');
  await writeFile(path.join(renderer, 'a%2e.js'), 'double-encoded name');
  await mkdir(path.join(renderer, 'folder.js'));
  await writeFile(path.join(work, 'secret.js'), 'outside the renderer');
  await writeFile(path.join(work, 'renderer-secret.js'), 'sibling folder with the same prefix');
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const app = (method: string, url: string) => serveAppRequest(method, url, { rendererDir: renderer });

describe('the app page address', () => {
  it('is app://keyway/index.html, an origin of its own (not file://)', () => {
    expect(APP_PAGE_URL).toBe('app://keyway/index.html');
    expect(APP_ORIGIN).toBe('app://keyway');
    expect(new URL(APP_PAGE_URL).protocol).toBe('app:');
  });
});

describe('serving the renderer from app://keyway/ (electron/core/app-page)', () => {
  it('serves index.html and the built assets with their types and the hardened headers', async () => {
    const page = await app('GET', APP_PAGE_URL);
    expect(page.status).toBe(200);
    expect(page.body?.toString()).toContain('<title>Keyway</title>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['content-security-policy']).toBe(appContentSecurityPolicy());
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-store');
    expect((await app('GET', 'app://keyway/')).body?.toString()).toContain('<title>Keyway</title>');
    for (const [file, type] of [
      ['assets/index-abc.js', 'text/javascript; charset=utf-8'],
      ['assets/index-abc.css', 'text/css; charset=utf-8'],
      ['assets/font.woff2', 'font/woff2'],
      ['assets/logo.svg', 'image/svg+xml'],
    ] as const) {
      const answer = await app('GET', `${APP_ORIGIN}/${file}`);
      expect(answer.status, file).toBe(200);
      expect(answer.headers['content-type'], file).toBe(type);
    }
  });

  it('ignores the query string and fragment (never part of a file name)', async () => {
    const answer = await app('GET', 'app://keyway/index.html?x=../../secret.js#y');
    expect(answer.status).toBe(200);
    expect(answer.body?.toString()).toContain('<title>Keyway</title>');
    expect((await app('GET', 'app://keyway/secret.js?/index.html')).status).toBe(404);
  });

  it('the CSP: only the page itself may run, style or connect; no framing, no base, no forms', () => {
    const csp = appContentSecurityPolicy();
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe');
    expect(appContentSecurityPolicy(['ws://127.0.0.1:1/ws'])).toContain("connect-src 'self' ws://127.0.0.1:1/ws;");
  });

  it('HEAD answers the headers without a body; every other method is 405 with Allow', async () => {
    const head = await app('HEAD', APP_PAGE_URL);
    expect(head.status).toBe(200);
    expect(head.body).toBeNull();
    for (const method of ['POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'get']) {
      const answer = await app(method, APP_PAGE_URL);
      expect(answer.status, method).toBe(405);
      expect(answer.headers.allow, method).toBe('GET, HEAD');
      expect(answer.body?.toString(), method).not.toContain('Keyway');
    }
  });

  it.each([
    ['app://evil/index.html', 'another host'],
    ['app://keyway.evil/index.html', 'a look-alike host'],
    ['app://keyway:8080/index.html', 'a port'],
    ['app://user:pw@keyway/index.html', 'credentials'],
    ['file:///index.html', 'file:'],
    ['http://keyway/index.html', 'http:'],
    ['https://keyway/index.html', 'https:'],
    ['keyway://keyway/index.html', 'the deep-link scheme'],
    ['not a url', 'no URL at all'],
  ])('refuses %s (%s)', async (url) => {
    const answer = await app('GET', url);
    expect(answer.status).toBe(404);
    expect(answer.refusal).toBe('wrong_origin');
  });

  it.each([
    'app://keyway/..%2fsecret.js',
    'app://keyway/..%2Fsecret.js',
    'app://keyway/%2e%2e%2fsecret.js',
    'app://keyway/assets%2f..%2f..%2fsecret.js',
    'app://keyway/..%5csecret.js',
    'app://keyway/..\\secret.js',
    'app://keyway/assets\\..\\..\\secret.js',
    'app://keyway/index.html%00.js',
    'app://keyway/%00',
    'app://keyway/a%0a.js',
    'app://keyway/%252e%252e%252fsecret.js',
    'app://keyway/a%252e.js',
    'app://keyway/%zz.js',
    'app://keyway/%E0%A4%A.js',
  ])('refuses the hostile path %s as a bad request, reading nothing', async (url) => {
    const answer = await app('GET', url);
    expect(answer.status).toBe(400);
    expect(answer.refusal).toBe('bad_path');
    expect(answer.body?.toString()).toBe('Bad request');
  });

  it.each([
    'app://keyway/../secret.js',
    'app://keyway/%2e%2e/secret.js',
    'app://keyway/.%2e/secret.js',
    'app://keyway/assets/../../secret.js',
    'app://keyway/../renderer-secret.js',
  ])('never climbs out of the renderer folder: %s', async (url) => {
    // The URL parser folds these dot segments to /secret.js, which does not exist inside the folder.
    const answer = await app('GET', url);
    expect(answer.status).toBe(404);
    expect(answer.body?.toString()).not.toContain('outside');
    expect(answer.body?.toString()).not.toContain('sibling');
  });

  it.each([
    ['app://keyway/.env', 'hidden_file'],
    ['app://keyway/.git/config.js', 'hidden_file'],
    ['app://keyway/%2eenv', 'hidden_file'],
    ['app://keyway/notes.txt', 'unknown_type'],
    ['app://keyway/main.cjs.map', 'unknown_type'],
    ['app://keyway/assets', 'unknown_type'],
    ['app://keyway/assets/', 'not_found'],
    ['app://keyway/assets//index-abc.js', 'not_found'],
    ['app://keyway/folder.js', 'not_found'],
    ['app://keyway/missing.js', 'not_found'],
    ['app://keyway/assets/sub/', 'not_found'],
  ])('answers %s with 404 (%s): no dotfiles, no folders, no listings, no other types', async (url, refusal) => {
    const answer = await app('GET', url);
    expect(answer.status).toBe(404);
    expect(answer.refusal).toBe(refusal);
  });

  it('resolveAppRequest decides on the URL alone (it never names a file outside the segments it returns)', () => {
    expect(resolveAppRequest('GET', 'app://keyway/assets/index-abc.js')).toEqual({
      ok: true,
      segments: ['assets', 'index-abc.js'],
      contentType: 'text/javascript; charset=utf-8',
    });
    expect(resolveAppRequest('GET', 'http://127.0.0.1:5/index.html', 'http://127.0.0.1:5')).toMatchObject({ ok: true });
    expect(resolveAppRequest('GET', 'http://127.0.0.1:6/index.html', 'http://127.0.0.1:5')).toEqual({
      ok: false,
      refusal: 'wrong_origin',
    });
  });
});

describe('the harness serves exactly what the app serves (electron/harness/static-site.ts)', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer(createStaticSite(renderer, () => port));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  /** A raw request, so the path reaches the server exactly as written (no client-side normalising). */
  function raw(method: string, target: string): Promise<{ status: number; headers: string; body: string }> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1');
      let data = '';
      socket.on('data', (chunk) => (data += chunk.toString('latin1')));
      socket.on('error', reject);
      socket.on('end', () => {
        const [head = '', body = ''] = data.split('\r\n\r\n');
        resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
      });
      socket.write(`${method} ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
    });
  }

  it.each([
    ['GET', '/', 200],
    ['GET', '/index.html', 200],
    ['GET', '/assets/index-abc.js', 200],
    ['HEAD', '/index.html', 200],
    ['POST', '/index.html', 405],
    ['GET', '/..%2fsecret.js', 400],
    // http: folds a backslash into a slash (WHATWG URL), so this one is /secret.js: not found.
    ['GET', '/..\\secret.js', 404],
    ['GET', '/../secret.js', 404],
    ['GET', '/%2e%2e/secret.js', 404],
    ['GET', '/index.html%00.js', 400],
    ['GET', '/%252e%252e%252fsecret.js', 400],
    ['GET', '/.env', 404],
    ['GET', '/notes.txt', 404],
    ['GET', '/assets/', 404],
    ['GET', '//evil.example/index.html', 404],
    ['GET', 'http://evil.example/index.html', 404],
  ])('%s %s → %i, the same answer as app://keyway', async (method, target, status) => {
    const answer = await raw(method, target);
    expect(answer.status).toBe(status);
    // The same request to the app: served the same, refused too (a refusal's code may differ where URL
    // parsing differs between http: and app:, as for backslashes).
    const inApp = await app(method, `app://keyway${target.startsWith('/') ? '' : '/'}${target}`);
    if (status < 400) expect(inApp.status).toBe(status);
    else expect(inApp.status).toBeGreaterThanOrEqual(400);
    expect(answer.body).not.toContain('outside the renderer');
    expect(answer.body).not.toContain('SECRET');
  });

  it('sends the app CSP plus its own WebSocket, and the same hardening headers', async () => {
    const answer = await raw('GET', '/index.html');
    expect(answer.headers).toContain(
      `content-security-policy: ${appContentSecurityPolicy([
        `ws://127.0.0.1:${port}${HARNESS_SOCKET_PATH}`,
        `ws://localhost:${port}${HARNESS_SOCKET_PATH}`,
      ]).toLowerCase()}`,
    );
    expect(answer.headers).toContain('x-content-type-options: nosniff');
    expect(answer.headers).toContain('content-type: text/html; charset=utf-8');
    expect(answer.body).toContain('<title>Keyway</title>');
  });
});
