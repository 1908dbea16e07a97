import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { networkError } from '../../electron/core/net-error';
import { OidcClient } from '../../electron/core/oidc/oidc-client';
import { oidcError } from '../../electron/core/oidc/oidc-errors';
import { CustomSchemeRedirect } from '../../electron/core/oidc/custom-scheme-redirect';
import { ServerApi } from '../../electron/core/server-api/server-api';
import type { Fetch } from '../../electron/core/ports';

/**
 * What Electron's `net.fetch` rejects with: a plain Error (not a TypeError, no `code`) whose message is
 * Chromium's `net::ErrorToString(...)` — lib/common/api/net-client-request.ts `new Error(netErrorString)`.
 */
const electronFailure = (name: string) => new Error(`net::${name}`);
const electronFetch =
  (name: string): Fetch =>
  () =>
    Promise.reject(electronFailure(name));

const HOST = 'keyway.example.com';

describe('Electron net.fetch failures map to Keyway codes, naming the host', () => {
  it.each([
    ['ERR_CERT_AUTHORITY_INVALID', 'server_tls', /authority this computer does not trust/],
    ['ERR_CERT_COMMON_NAME_INVALID', 'server_tls', /different server name/],
    ['ERR_CERT_DATE_INVALID', 'server_tls', /expired/],
    ['ERR_CERT_REVOKED', 'server_tls', /revoked/],
    ['ERR_CERT_WEAK_KEY', 'server_tls', /weak key/],
    ['ERR_CERT_SOMETHING_NEW', 'server_tls', /ERR_CERT_SOMETHING_NEW/],
    ['ERR_CERTIFICATE_TRANSPARENCY_REQUIRED', 'server_tls', /Certificate Transparency/],
    ['ERR_SSL_PROTOCOL_ERROR', 'server_tls', /secure connection failed \(ERR_SSL_PROTOCOL_ERROR\)/],
    ['ERR_SSL_VERSION_OR_CIPHER_MISMATCH', 'server_tls', /secure connection failed/],
    ['ERR_BAD_SSL_CLIENT_AUTH_CERT', 'server_tls', /secure connection failed/],
    ['ERR_NAME_NOT_RESOLVED', 'server_unreachable', /name is not known/],
    ['ERR_NAME_RESOLUTION_FAILED', 'server_unreachable', /name is not known/],
    ['ERR_CONNECTION_REFUSED', 'server_unreachable', /can’t reach keyway\.example\.com \(ERR_CONNECTION_REFUSED\)/],
    ['ERR_CONNECTION_RESET', 'server_unreachable', /ERR_CONNECTION_RESET/],
    ['ERR_CONNECTION_CLOSED', 'server_unreachable', /ERR_CONNECTION_CLOSED/],
    ['ERR_ADDRESS_UNREACHABLE', 'server_unreachable', /ERR_ADDRESS_UNREACHABLE/],
    ['ERR_INTERNET_DISCONNECTED', 'server_unreachable', /not connected to the internet/],
    ['ERR_TIMED_OUT', 'server_timeout', /took too long/],
    ['ERR_CONNECTION_TIMED_OUT', 'server_timeout', /took too long/],
    ['ERR_PROXY_CONNECTION_FAILED', 'server_unreachable', /proxy \(ERR_PROXY_CONNECTION_FAILED\)/],
    ['ERR_TUNNEL_CONNECTION_FAILED', 'server_unreachable', /proxy \(ERR_TUNNEL_CONNECTION_FAILED\)/],
    ['ERR_MANDATORY_PROXY_CONFIGURATION_FAILED', 'server_unreachable', /proxy/],
  ])('net::%s → %s', async (name, code, message) => {
    const direct = networkError(electronFailure(name), HOST);
    expect(direct.code).toBe(code);
    expect(direct.message).toMatch(message);
    expect(direct.message).toContain(HOST);

    // The server API, with the app's fetch rejecting as Electron's does.
    const api = new ServerApi(`https://${HOST}`, electronFetch(name));
    await expect(api.discover({ loginId: 'ana' })).rejects.toMatchObject({
      code,
      message: expect.stringContaining(HOST) as unknown,
    });
  });

  it('OIDC calls through the real openid-client map the same way (it wraps a non-TypeError in a ClientError)', async () => {
    const oidc = new OidcClient(
      electronFetch('ERR_CERT_AUTHORITY_INVALID'),
      { open: () => Promise.resolve() },
      new CustomSchemeRedirect(),
    );
    const provider = { issuer: `https://${HOST}`, clientId: 'keyway-desktop' };
    // A refresh that cannot reach the provider must not read as "your session has ended" (a sign-out).
    await expect(oidc.refresh(provider, 'refresh-token')).rejects.toMatchObject({
      code: 'server_tls',
      message: expect.stringContaining(`Keyway did not connect to ${HOST}`) as unknown,
    });
    const refused = new OidcClient(
      electronFetch('ERR_CONNECTION_REFUSED'),
      { open: () => Promise.resolve() },
      new CustomSchemeRedirect(),
    );
    await expect(refused.revoke(provider, 'refresh-token')).rejects.toMatchObject({ code: 'server_unreachable' });
  });

  it('the same message wrapped as a cause (openid-client style) still maps', () => {
    const wrapped = new Error('something went wrong', { cause: electronFailure('ERR_CERT_DATE_INVALID') });
    expect(oidcError(wrapped, HOST)).toMatchObject({ code: 'server_tls' });
  });

  it('a message that merely mentions a net error is not taken for one (only the exact form)', () => {
    const error = new Error('server said: net::ERR_CERT_AUTHORITY_INVALID happened');
    expect(oidcError(error, HOST).code).toBe('oidc_exchange_failed');
    expect(networkError(error, HOST).code).toBe('server_unreachable');
  });
});

describe('Node fetch (undici) failures keep their mapping', () => {
  it('a closed port is server_unreachable, naming host:port', async () => {
    const port = await closedPort();
    const api = new ServerApi(`http://127.0.0.1:${port}`, fetch);
    await expect(api.discover({ loginId: 'ana' })).rejects.toMatchObject({
      code: 'server_unreachable',
      message: expect.stringContaining(`can’t reach 127.0.0.1:${port}`) as unknown,
    });
  });

  it('certificate codes on the cause are server_tls, a timeout is server_timeout', () => {
    const tls = new TypeError('fetch failed', {
      cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }),
    });
    expect(networkError(tls, HOST)).toMatchObject({
      code: 'server_tls',
      message: expect.stringMatching(/self-signed/) as unknown,
    });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(networkError(timeout, HOST)).toMatchObject({ code: 'server_timeout' });
    expect(networkError(timeout).message).toBe('The server took too long to answer. Try again in a moment.');
  });
});

function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
