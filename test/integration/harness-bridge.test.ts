import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';

const root = path.resolve(import.meta.dirname, '..', '..');
let harness: ChildProcess;
let base: string;

beforeAll(async () => {
  const profileDir = mkdtempSync(path.join(os.tmpdir(), 'keyway-it-profile-'));
  harness = spawn(
    process.execPath,
    [path.join(root, 'dist/harness/harness.mjs'), '--port', '0', '--profile', profileDir],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  base = await new Promise<string>((resolve, reject) => {
    let output = '';
    harness.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready: (http:\/\/\S+)\//.exec(output);
      if (match?.[1]) resolve(match[1]);
    });
    harness.once('exit', (code) => reject(new Error(`harness exited ${code}; run "npm run build" first`)));
  });
});
afterAll(() => {
  harness.kill('SIGTERM');
});

const socketUrl = () => `${base.replace('http', 'ws')}/ipc`;

function open(headers: Record<string, string>): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(socketUrl(), { headers });
    socket.once('open', () => resolve(socket));
    socket.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    socket.once('error', reject);
  });
}

function nextMessage(socket: WebSocket): Promise<unknown> {
  return new Promise((resolve) => socket.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
}

describe('the harness WebSocket bridge', () => {
  it('serves the contract to a page of its own origin and pushes view events', async () => {
    const socket = await open({ origin: base });
    // Core reads its settings right after the harness starts: ask until it has settled on Welcome.
    await expect
      .poll(async () => {
        socket.send(JSON.stringify({ kind: 'request', id: 7, request: { command: 'getView', input: {} } }));
        return nextMessage(socket);
      })
      .toMatchObject({ kind: 'response', id: 7, response: { ok: true, output: { screen: 'welcome' } } });

    const messages: unknown[] = [];
    socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString())));
    socket.send(
      JSON.stringify({ kind: 'request', id: 8, request: { command: 'setWelcomeInput', input: { text: 'abc' } } }),
    );
    await expect.poll(() => messages.length).toBe(2);
    expect(messages).toContainEqual({
      kind: 'event',
      event: { event: 'view', payload: { screen: 'welcome', input: 'abc', canApply: true, error: null, managed: [] } },
    });
    socket.send(
      JSON.stringify({ kind: 'request', id: 9, request: { command: 'setWelcomeInput', input: { text: '' } } }),
    );
    socket.close();
  });

  it.each([
    ['a page of another origin', { origin: 'https://attacker.example' }],
    ['no Origin at all (not a browser page of ours)', {}],
    ['a DNS-rebinding Host', { origin: 'http://attacker.example', host: 'attacker.example' }],
  ])('refuses %s', async (_name, headers) => {
    await expect(open(headers)).rejects.toThrow(/HTTP 401|HTTP 403/);
  });

  it('drops a client that sends something outside the contract', async () => {
    const socket = await open({ origin: base });
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    socket.send('{"kind":"request","id":1,"request":{"command":"getView"},"extra":1}');
    expect(await closed).toBe(1008);
  });
});

describe('the harness web server', () => {
  it('serves the renderer with a strict CSP and no sniffing', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(response.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<div id="root">');
  });

  it('refuses writes and never serves files outside the renderer build', async () => {
    expect((await fetch(`${base}/`, { method: 'POST' })).status).toBe(405);
    for (const probe of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/../../harness/harness.mjs',
    ]) {
      const response = await fetch(`${base}${probe}`);
      // 400 for a segment that decodes to a separator or a dot-segment, 404 for anything else not in the build.
      expect([400, 404], probe).toContain(response.status);
      expect(await response.text(), probe).not.toContain('"name": "keyway"');
    }
  });
});
