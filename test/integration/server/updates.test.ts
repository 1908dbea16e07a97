import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../server/cli/run-cli';
import { startTestServer, tempDir } from './server-fixture';

const LATEST_LINUX = [
  'version: 0.2.0',
  'files:',
  '  - url: Keyway-0.2.0-linux-x86_64.AppImage',
  '    sha512: c2hhNTEyLXBsYWNlaG9sZGVy',
  '    size: 64',
  'path: Keyway-0.2.0-linux-x86_64.AppImage',
  'releaseDate: 2026-12-01T00:00:00.000Z',
  '',
].join('\n');
const ARTIFACT = Buffer.from(Array.from({ length: 64 }, (_, index) => index));
const SECRET = 'the server data dir must never be served';

/** A feed folder as IT lays it out, next to a secret it must never reach. */
function feedFolder(): string {
  const base = tempDir('keyway-updates-');
  const dir = path.join(base, 'updates');
  mkdirSync(dir);
  writeFileSync(path.join(dir, 'latest-linux.yml'), LATEST_LINUX);
  writeFileSync(path.join(dir, 'Keyway-0.2.0-linux-x86_64.AppImage'), ARTIFACT);
  writeFileSync(path.join(base, 'secret.txt'), SECRET);
  writeFileSync(path.join(dir, '.secret'), SECRET);
  mkdirSync(path.join(dir, 'nested'));
  writeFileSync(path.join(dir, 'nested', 'secret.txt'), SECRET);
  symlinkSync(path.join(base, 'secret.txt'), path.join(dir, 'linked.yml'));
  return dir;
}

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** node:http with the path exactly as given: fetch() would resolve `..` before sending. */
function raw(origin: string, rawPath: string, options: { method?: string; headers?: Record<string, string> } = {}) {
  const url = new URL(origin);
  return new Promise<Raw>((resolve, reject) => {
    const req = request(
      { host: url.hostname, port: url.port, path: rawPath, method: options.method ?? 'GET', headers: options.headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the update feed under /updates/ (electron-updater’s generic provider)', () => {
  it('serves latest-linux.yml as text and the artifact it names as bytes, with validators', async () => {
    const { origin } = await startTestServer({ updatesDir: feedFolder() });

    const feed = await fetch(`${origin}/updates/latest-linux.yml`);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('text/yaml; charset=utf-8');
    expect(feed.headers.get('cache-control')).toBe('no-cache');
    expect(feed.headers.get('x-content-type-options')).toBe('nosniff');
    expect(feed.headers.get('etag')).toMatch(/^W\/"/);
    expect(await feed.text()).toBe(LATEST_LINUX);

    const artifact = await fetch(`${origin}/updates/Keyway-0.2.0-linux-x86_64.AppImage`);
    expect(artifact.status).toBe(200);
    expect(artifact.headers.get('content-type')).toBe('application/octet-stream');
    expect(artifact.headers.get('accept-ranges')).toBe('bytes');
    expect(Buffer.from(await artifact.arrayBuffer())).toEqual(ARTIFACT);

    // The client revalidates latest.yml cheaply (node:http: fetch() adds no-cache to conditional requests).
    const again = await raw(origin, '/updates/latest-linux.yml', {
      headers: { 'if-none-match': feed.headers.get('etag') ?? '' },
    });
    expect(again.status).toBe(304);
  });

  it('answers HEAD without a body and single byte ranges with 206 (differential downloads)', async () => {
    const { origin } = await startTestServer({ updatesDir: feedFolder() });
    const name = '/updates/Keyway-0.2.0-linux-x86_64.AppImage';

    const head = await raw(origin, name, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe('64');
    expect(head.body.length).toBe(0);

    const range = await raw(origin, name, { headers: { range: 'bytes=10-19' } });
    expect(range.status).toBe(206);
    expect(range.headers['content-range']).toBe('bytes 10-19/64');
    expect(range.body).toEqual(ARTIFACT.subarray(10, 20));

    // Several ranges at once: the whole file, which HTTP allows (the client asks for one at a time).
    const multiple = await raw(origin, name, { headers: { range: 'bytes=0-1, 4-5' } });
    expect(multiple.status).toBe(200);
    expect(multiple.body).toEqual(ARTIFACT);

    const outside = await raw(origin, name, { headers: { range: 'bytes=500-600' } });
    expect(outside.status).toBe(416);
    expect(outside.headers['content-range']).toBe('bytes */64');
  });

  it.each([
    '/updates/../secret.txt',
    '/updates/%2e%2e/secret.txt',
    '/updates/..%2fsecret.txt',
    '/updates/..%5csecret.txt',
    '/updates/%2e%2e%2fsecret.txt',
    '/updates//etc/passwd',
    '/updates/nested/secret.txt',
    '/updates/nested%2fsecret.txt',
    '/updates/.secret',
    '/updates/linked.yml',
    '/updates/latest-linux.yml%00.txt',
    '/updates/',
    '/updates/nested',
  ])('refuses %s with 404 and never shows what lies outside the folder', async (rawPath) => {
    const { origin } = await startTestServer({ updatesDir: feedFolder() });
    const response = await raw(origin, rawPath);
    expect(response.status).toBe(404);
    expect(response.body.toString()).not.toContain(SECRET);
  });

  it('serves nothing but GET and HEAD', async () => {
    const { origin } = await startTestServer({ updatesDir: feedFolder() });
    for (const method of ['POST', 'PUT', 'DELETE']) {
      const response = await raw(origin, '/updates/latest-linux.yml', { method });
      expect(response.status).toBe(404);
    }
  });

  it('does not exist when the server has no updates folder', async () => {
    const { origin } = await startTestServer();
    expect((await fetch(`${origin}/updates/latest-linux.yml`)).status).toBe(404);
  });

  it('serve --updates-dir refuses a folder that does not exist, before starting', async () => {
    const dataDir = tempDir();
    const err: string[] = [];
    const code = await runCli(['serve', '--port', '0', '--updates-dir', path.join(dataDir, 'missing')], {
      out: () => undefined,
      err: (line) => err.push(line),
      env: { KEYWAY_DATA_DIR: dataDir },
      cwd: dataDir,
    });
    expect(code).not.toBe(0);
    expect(err.join('\n')).toContain('is not a folder');
  });
});
