import { describe, expect, it } from 'vitest';
import { parseMachinePolicy, POLICY_KEY_NAMES, toCorePolicy } from '../../../electron/core/machine-policy';
import { assertServerAllowed } from '../../../electron/core/policy';

const source = '/etc/keyway/policy.json';

describe('parseMachinePolicy: one strict schema, all or nothing', () => {
  it('accepts a full policy and normalises it', () => {
    const result = parseMachinePolicy(
      {
        presetServer: 'https://Keyway.Example.com/',
        allowedServers: ['KEYWAY.example.com', ' *.corp.example.com '],
        disableManualLogin: true,
        disableImport: false,
        forceUnifiedLogin: true,
        defaultLanguage: 'de-de',
        extraTrustedCaCertificates: [
          '/etc/keyway/root.pem',
          'C:\\ProgramData\\Keyway\\root.pem',
          '\\\\srv\\share\\ca.pem',
        ],
        proxy: 'http://proxy.example.com:3128/',
        disableAutoUpdate: true,
      },
      source,
    );
    expect(result.problems).toEqual([]);
    expect(result.policy).toEqual({
      presetServer: 'https://keyway.example.com',
      allowedServers: ['keyway.example.com', '*.corp.example.com'],
      disableManualLogin: true,
      disableImport: false,
      forceUnifiedLogin: true,
      defaultLanguage: 'de-DE',
      extraTrustedCaCertificates: [
        '/etc/keyway/root.pem',
        'C:\\ProgramData\\Keyway\\root.pem',
        '\\\\srv\\share\\ca.pem',
      ],
      proxy: 'http://proxy.example.com:3128',
      disableAutoUpdate: true,
    });
  });

  it('accepts an empty policy (nothing set)', () => {
    expect(parseMachinePolicy({}, source)).toEqual({ policy: {}, problems: [] });
  });

  it('refuses an unknown key, names it, and ignores the whole policy', () => {
    const result = parseMachinePolicy({ presetServer: 'https://keyway.example.com', disableImports: true }, source);
    expect(result.policy).toBeNull();
    expect(result.problems).toEqual([
      `${source}: unknown key "disableImports" (known keys: ${POLICY_KEY_NAMES.join(', ')})`,
    ]);
  });

  it('refuses a wrong type, and ignores the valid keys with it', () => {
    const result = parseMachinePolicy({ presetServer: 'https://keyway.example.com', disableImport: 'yes' }, source);
    expect(result.policy).toBeNull();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatch(/^\/etc\/keyway\/policy\.json: disableImport: .*boolean/);
  });

  it('lists every problem at once', () => {
    const result = parseMachinePolicy({ proxy: 'ftp://x', defaultLanguage: 'not a language!', nope: 1 }, source);
    expect(result.problems).toHaveLength(3);
  });

  it.each([
    ['a host name', 'keyway.example.com', true],
    ['a wildcard subdomain', '*.example.com', true],
    ['localhost', 'localhost', true],
    ['an IPv4 address', '10.0.0.7', true],
    ['an xn-- name', 'xn--bcher-kva.example', true],
    ['a URL', 'https://keyway.example.com', false],
    ['a port', 'keyway.example.com:443', false],
    ['a path', 'keyway.example.com/x', false],
    ['a bare wildcard', '*', false],
    ['a wildcard on a TLD', '*.com', false],
    ['a wildcard in the middle', 'a.*.example.com', false],
    ['a trailing dot', 'example.com.', false],
    ['an empty pattern', '', false],
    ['a unicode name', 'bücher.example', false],
    ['a label starting with a dash', '-x.example.com', false],
  ])('allowedServers: %s (%s) → %s', (_name, pattern, valid) => {
    const result = parseMachinePolicy({ allowedServers: [pattern] }, source);
    expect(result.policy !== null).toBe(valid);
    if (!valid) expect(result.problems[0]).toMatch(/allowedServers\[0\]/);
  });

  it('refuses an empty allow-list (it would lock everyone out)', () => {
    expect(parseMachinePolicy({ allowedServers: [] }, source).problems[0]).toMatch(/allowedServers: give at least one/);
  });

  it.each([
    ['https://keyway.example.com', 'https://keyway.example.com'],
    ['https://keyway.example.com:8443', 'https://keyway.example.com:8443'],
    ['http://127.0.0.1:7400', 'http://127.0.0.1:7400'],
    ['http://localhost:7400/', 'http://localhost:7400'],
  ])('presetServer %s is accepted as %s', (value, origin) => {
    expect(parseMachinePolicy({ presetServer: value }, source).policy?.presetServer).toBe(origin);
  });

  it.each([
    ['plain http to a remote host', 'http://keyway.example.com'],
    ['a path', 'https://keyway.example.com/login'],
    ['a query', 'https://keyway.example.com/?x=1'],
    ['credentials', 'https://ana:secret@keyway.example.com'],
    ['another scheme', 'keyway://deploy'],
    ['no URL at all', 'keyway.example.com'],
  ])('presetServer with %s is refused', (_name, value) => {
    const result = parseMachinePolicy({ presetServer: value }, source);
    expect(result.policy).toBeNull();
    expect(result.problems[0]).toMatch(/presetServer/);
  });

  it('refuses a preset server outside the allow-list', () => {
    const result = parseMachinePolicy(
      { presetServer: 'https://keyway.example.com', allowedServers: ['*.other.example'] },
      source,
    );
    expect(result.problems).toEqual([
      `${source}: presetServer: the preset server's host keyway.example.com is not in allowedServers`,
    ]);
  });

  it.each([
    ['system', 'system'],
    ['direct', 'direct'],
    ['socks5://proxy.example.com:1080', 'socks5://proxy.example.com:1080'],
    ['https://proxy.example.com', 'https://proxy.example.com'],
  ])('proxy %s is accepted', (value, normalised) => {
    expect(parseMachinePolicy({ proxy: value }, source).policy?.proxy).toBe(normalised);
  });

  it.each(['pac', 'ftp://proxy.example.com', 'http://user:pw@proxy.example.com', 'http://proxy.example.com/path'])(
    'proxy %s is refused',
    (value) => {
      expect(parseMachinePolicy({ proxy: value }, source).policy).toBeNull();
    },
  );

  it('never repeats a password from a URL in a problem (problems are logged)', () => {
    const result = parseMachinePolicy(
      {
        presetServer: 'https://ana:hunter2@keyway.example.com',
        proxy: 'ftp://bob:hunter2@proxy.example.com',
        allowedServers: ['https://carl:hunter2@x.example.com'],
      },
      source,
    );
    expect(result.problems).toHaveLength(3);
    for (const problem of result.problems) expect(problem).not.toContain('hunter2');
  });

  it('needs absolute paths for extra CA certificates', () => {
    const result = parseMachinePolicy({ extraTrustedCaCertificates: ['certs/root.pem'] }, source);
    expect(result.problems[0]).toMatch(
      /extraTrustedCaCertificates\[0\]: "certs\/root.pem" is not an absolute file path/,
    );
  });

  it('refuses what is not an object', () => {
    for (const raw of [null, 'policy', 42, ['presetServer']]) {
      expect(parseMachinePolicy(raw, source).problems).toEqual([
        `${source}: the policy must be an object of key/value pairs`,
      ]);
    }
  });
});

describe('toCorePolicy: what core enforces', () => {
  it('is empty without a policy', () => {
    expect(toCorePolicy(null)).toEqual({});
  });

  it('maps every key core enforces, and nothing else', () => {
    const policy = parseMachinePolicy(
      {
        presetServer: 'https://keyway.example.com',
        allowedServers: ['*.example.com'],
        disableImport: true,
        disableManualLogin: true,
        forceUnifiedLogin: false,
        defaultLanguage: 'fr',
        proxy: 'direct',
        disableAutoUpdate: true,
      },
      source,
    ).policy;
    expect(toCorePolicy(policy)).toEqual({
      presetServer: 'https://keyway.example.com',
      allowedServers: ['*.example.com'],
      disableImport: true,
      disableManualLogin: true,
      forceUnifiedLogin: false,
      // Core picks the UI's language (policy, then the OS, then English).
      defaultLanguage: 'fr',
    });
  });

  it('turns a preset server without an allow-list into an allow-list of that host', () => {
    const policy = parseMachinePolicy({ presetServer: 'https://keyway.example.com:8443' }, source).policy;
    const core = toCorePolicy(policy);
    expect(core).toEqual({ presetServer: 'https://keyway.example.com:8443', allowedServers: ['keyway.example.com'] });
    expect(() => assertServerAllowed('https://keyway.example.com:8443', core)).not.toThrow();
    expect(() => assertServerAllowed('https://evil.example.com', core)).toThrow(/does not allow evil\.example\.com/);
  });

  it('keeps an explicit allow-list next to a preset server', () => {
    const policy = parseMachinePolicy(
      { presetServer: 'https://keyway.example.com', allowedServers: ['keyway.example.com', 'backup.example.net'] },
      source,
    ).policy;
    expect(toCorePolicy(policy).allowedServers).toEqual(['keyway.example.com', 'backup.example.net']);
  });
});
