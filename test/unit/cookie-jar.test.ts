import { describe, expect, it } from 'vitest';
import { CookieJar } from '../support/browser';

/** The test browsers' one cookie jar (test/support/browser.ts) keeps cookies as a browser does. */
const at = (url: string) => new URL(url);

describe('the test browsers’ cookie jar', () => {
  it('sends a cookie back only on its Path, longest path first, and to its host whatever the port', () => {
    const jar = new CookieJar();
    jar.receive(at('http://127.0.0.1:4000/oidc/auth'), ['a=1; Path=/oidc/interaction/x', 'b=2; Path=/']);
    expect(jar.header(at('http://127.0.0.1:4000/oidc/interaction/x/login'))).toBe('a=1; b=2');
    expect(jar.header(at('http://127.0.0.1:5000/oidc/interaction/x'))).toBe('a=1; b=2');
    expect(jar.header(at('http://127.0.0.1:4000/oidc/interaction/xy'))).toBe('b=2');
    expect(jar.header(at('http://localhost:4000/'))).toBe('');
  });

  it('refuses a Domain the host is not in, and sends a Domain cookie to the names under it', () => {
    const jar = new CookieJar();
    jar.receive(at('http://127.0.0.1:4000/'), ['x=1; Path=/; Domain=example.test']);
    jar.receive(at('http://a.example.test/'), ['y=1; Path=/; Domain=example.test']);
    expect(jar.has('x')).toBe(false);
    expect(jar.header(at('http://b.example.test/'))).toBe('y=1');
    expect(jar.header(at('http://badexample.test/'))).toBe('');
  });

  it('deletes on Max-Age=0 or an Expires in the past, and Max-Age wins over Expires', () => {
    const jar = new CookieJar();
    const url = at('http://127.0.0.1:4000/account');
    jar.receive(url, ['s=1; Path=/', 'o=1; Path=/', 'm=1; Path=/; Max-Age=60; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    jar.receive(url, ['s=; Path=/; Max-Age=0', 'o=; Path=/; Expires=Thu, 01 Jan 1970 00:00:00 GMT']);
    expect(jar.header(url)).toBe('m=1');
    expect([...jar.keys()]).toEqual(['m']);
  });

  it('keeps Secure cookies on loopback http and https only, and a __Host- cookie only as the prefix requires', () => {
    const jar = new CookieJar();
    jar.receive(at('http://127.0.0.1:4000/admin'), ['__Host-a=1; Path=/; Secure', '__Host-b=1; Path=/admin; Secure']);
    jar.receive(at('http://127.0.0.1:4000/admin'), ['__Host-c=1; Path=/', '__Secure-d=1; Path=/']);
    jar.receive(at('http://example.test/'), ['e=1; Path=/; Secure']);
    expect(jar.header(at('http://127.0.0.1:4000/admin/users'))).toBe('__Host-a=1');
    expect(jar.has('e')).toBe(false);
  });

  it('plants a forged cookie for the jar’s origin, Secure for a prefixed name', () => {
    const jar = new CookieJar('http://127.0.0.1:4000');
    jar.set('__Host-keyway-admin', 'x'.repeat(43));
    expect(jar.header(at('http://127.0.0.1:4000/admin'))).toBe(`__Host-keyway-admin=${'x'.repeat(43)}`);
    expect(() => new CookieJar().set('a', 'b')).toThrow(/No URL/);
  });
});
