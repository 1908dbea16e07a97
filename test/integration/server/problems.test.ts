import { describe, expect, it } from 'vitest';
import { expectProblem, getJson, postJson, startTestServer } from './server-fixture';

async function raw(origin: string, pathname: string, init: RequestInit) {
  const response = await fetch(`${origin}${pathname}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: JSON.parse(text) as unknown };
}

describe('errors are problem+json', () => {
  it('answers unknown routes with 404 not_found', async () => {
    const { origin } = await startTestServer();
    expectProblem(await getJson(origin, '/api/v1/nothing-here'), 'not_found', 404);
    expectProblem(await postJson(origin, '/', {}), 'not_found', 404);
    expectProblem(await getJson(origin, '/api/v1/sessions'), 'not_found', 404);
  });

  it('refuses malformed JSON, the wrong content type and oversized bodies as invalid_input', async () => {
    const { origin } = await startTestServer();
    const json = { 'content-type': 'application/json' };
    const path = '/api/v1/sessions';

    const broken = await raw(origin, path, { method: 'POST', headers: json, body: '{"loginId":' });
    expect(expectProblem(broken, 'invalid_input', 400).detail).toMatch(/not valid JSON/);

    const empty = await raw(origin, path, { method: 'POST', headers: json, body: '' });
    expectProblem(empty, 'invalid_input', 400);

    const text = await raw(origin, path, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expectProblem(text, 'invalid_input', 415);

    const huge = await raw(origin, path, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ x: 'a'.repeat(70_000) }),
    });
    expectProblem(huge, 'invalid_input', 413);

    const array = await postJson(origin, path, [1, 2]);
    expect(expectProblem(array, 'invalid_input', 400).detail).toMatch(/JSON object/);

    const extra = await postJson(origin, path, { loginId: 'a', password: 'b', admin: true });
    expect(expectProblem(extra, 'invalid_input', 400).detail).toContain('"admin"');

    const wrongType = await postJson(origin, '/api/v1/sessions/refresh', { refreshToken: 42 });
    expect(expectProblem(wrongType, 'invalid_input', 400).detail).toContain('"refreshToken"');
  });

  it('sends the security headers on API responses too', async () => {
    const { origin } = await startTestServer();
    const response = await getJson(origin, '/api/v1/me');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});
