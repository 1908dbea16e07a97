import { z } from 'zod';
import { isLoopbackHost } from '../../../protocol/server-origin';
import { hostMatches } from '../policy';

/**
 * The machine-wide policy IT sets for Keyway, one zod schema for every source (Windows registry, macOS
 * managed preferences, Linux JSON file) and every template generated from it (ADMX/ADML, configuration
 * profile, example JSON, installer switches). Strict: an unknown key makes the whole policy invalid.
 */

/** How a key is stored where the source has no JSON types (the registry, installer command lines). */
type PolicyValueKind = 'boolean' | 'string' | 'list';

export type PolicyExamplePlatform = 'win32' | 'darwin' | 'linux';

export interface PolicyKeyDefinition<S extends z.ZodType = z.ZodType> {
  readonly schema: S;
  readonly kind: PolicyValueKind;
  /** Short name shown in Group Policy editors and tables. */
  readonly title: string;
  /** What the key does; becomes the Group Policy explanation and the documentation. */
  readonly description: string;
  /**
   * Installer switch: `/<installer>=…` for NSIS, public property `KEYWAY_<installer>=…` for MSI.
   * No switch name is a prefix of another (NSIS matches switches by prefix).
   */
  readonly installer: string;
  /** A valid example value (used by the example policy and the configuration profile). */
  readonly example: z.input<S>;
  /** Platform-specific example, where the default would not make sense (file paths). */
  readonly exampleFor?: Partial<Record<PolicyExamplePlatform, z.input<S>>>;
}

/** A value as it may appear in a problem message (and so in a log): any user:password@ part hidden. */
function shown(value: string): string {
  return value.replace(/\/\/[^/@\s]*@/, '//***@');
}

/** A Keyway server: an https origin, or plain http to loopback for development. Normalised to its origin. */
const serverOriginSchema = z.string().transform((value, ctx) => {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    ctx.addIssue({
      code: 'custom',
      message: `"${shown(value)}" is not a URL (expected e.g. https://keyway.example.com)`,
    });
    return z.NEVER;
  }
  const loopback = isLoopbackHost(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${shown(value)}" must use https (plain http is accepted only for localhost/127.0.0.1)`,
    });
    return z.NEVER;
  }
  if (url.username !== '' || url.password !== '' || url.search !== '' || url.hash !== '' || url.pathname !== '/') {
    ctx.addIssue({
      code: 'custom',
      message: `"${shown(value)}" must be an origin only (scheme, host, optional port), without path, query or credentials`,
    });
    return z.NEVER;
  }
  return url.origin;
});

const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
const HOST_PATTERN = new RegExp(`^(?:\\*\\.)?${LABEL}(?:\\.${LABEL})*$`);

/**
 * A host pattern of the allow-list: `keyway.example.com`, or `*.example.com` for any subdomain (not the
 * bare domain; see electron/core/policy.ts). Host names only: no scheme, port, path or trailing dot;
 * internationalised names in their `xn--` form. Normalised to lower case.
 */
const hostPatternSchema = z.string().transform((value, ctx) => {
  const pattern = value.trim().toLowerCase();
  if (pattern.length === 0 || pattern.length > 253 || !HOST_PATTERN.test(pattern)) {
    ctx.addIssue({
      code: 'custom',
      message: `"${shown(value)}" is not a host pattern (expected e.g. keyway.example.com or *.example.com, without scheme, port or path)`,
    });
    return z.NEVER;
  }
  if (pattern.startsWith('*.') && !pattern.slice(2).includes('.')) {
    ctx.addIssue({
      code: 'custom',
      message: `"${value}" is too broad: a wildcard needs a domain of at least two labels (e.g. *.example.com)`,
    });
    return z.NEVER;
  }
  return pattern;
});

/** A language tag (BCP 47), canonicalised: `en-us` → `en-US`. */
const languageTagSchema = z.string().transform((value, ctx) => {
  try {
    const [canonical] = Intl.getCanonicalLocales(value.trim());
    if (canonical !== undefined) return canonical;
  } catch {
    // Falls through to the issue below.
  }
  ctx.addIssue({ code: 'custom', message: `"${value}" is not a language tag (expected e.g. en, en-US, de-DE)` });
  return z.NEVER;
});

/** An absolute path on any of the three platforms (`/…`, `C:\…`, `\\server\share\…`). */
const absolutePathSchema = z.string().refine((value) => /^(?:\/|[A-Za-z]:[\\/]|\\\\[^\\]+\\)/.test(value), {
  error: (issue) => `"${String(issue.input)}" is not an absolute file path`,
});

const PROXY_SCHEMES = new Set(['http:', 'https:', 'socks4:', 'socks5:']);

/** `system` (the operating system's settings), `direct` (no proxy) or a proxy URL without credentials. */
const proxySchema = z.string().transform((value, ctx) => {
  const trimmed = value.trim();
  if (trimmed === 'system' || trimmed === 'direct') return trimmed;
  let url: URL | null;
  try {
    url = new URL(trimmed);
  } catch {
    url = null;
  }
  if (url === null || !PROXY_SCHEMES.has(url.protocol) || url.hostname === '') {
    ctx.addIssue({
      code: 'custom',
      message: `"${shown(value)}" is not a proxy setting (expected "system", "direct" or a URL such as http://proxy.example.com:3128)`,
    });
    return z.NEVER;
  }
  if (url.username !== '' || url.password !== '') {
    ctx.addIssue({
      code: 'custom',
      message: 'proxy credentials do not belong in a policy; use a proxy that needs none',
    });
    return z.NEVER;
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.hash !== '') {
    ctx.addIssue({ code: 'custom', message: `"${shown(value)}" must be a proxy address only, without path or query` });
    return z.NEVER;
  }
  return `${url.protocol}//${url.host}`;
});

const list = <T extends z.ZodType>(item: T, what: string) =>
  z.array(item).min(1, { error: `give at least one ${what} (leave the key out to set no restriction)` });

/** Every key of the policy, with what the templates need. The order here is the order of every template. */
export const POLICY_KEYS = {
  presetServer: {
    schema: serverOriginSchema,
    kind: 'string',
    title: 'Preset server',
    description:
      'The Keyway server this computer uses (an https origin such as https://keyway.example.com). Keyway opens on the sign-in page of this server (e-mail or login ID) instead of asking for a code or link, and refuses deployment links or codes that name another server unless allowedServers allows that server too.',
    installer: 'SERVER',
    example: 'https://keyway.example.com',
  },
  allowedServers: {
    schema: list(hostPatternSchema, 'host pattern'),
    kind: 'list',
    title: 'Allowed servers',
    description:
      'Host names of the only servers Keyway may trust: keyway.example.com, or *.example.com for any subdomain of example.com (not example.com itself). Any other server is refused, whichever way it arrives (link, code, manual login). When presetServer is set, its host must be in this list.',
    installer: 'ALLOWED_SERVERS',
    example: ['keyway.example.com', '*.keyway.example.com'],
  },
  disableManualLogin: {
    schema: z.boolean(),
    kind: 'boolean',
    title: 'Disable manual login',
    description:
      'Hide the Manual Login screen (server host name and login ID typed by hand), including its hidden gesture and keyboard shortcut.',
    installer: 'DISABLE_MANUAL_LOGIN',
    example: false,
  },
  disableImport: {
    schema: z.boolean(),
    kind: 'boolean',
    title: 'Disable import',
    description: 'Never offer to import settings from an earlier profile on this computer; every sign-in starts fresh.',
    installer: 'DISABLE_IMPORT',
    example: false,
  },
  forceUnifiedLogin: {
    schema: z.boolean(),
    kind: 'boolean',
    title: 'Force unified login',
    description:
      "Refuse password sign-in: users sign in only through unified login with their organisation's identity provider (OpenID Connect or SSO), as the server's discovery names it for them.",
    installer: 'FORCE_UNIFIED_LOGIN',
    example: false,
  },
  defaultLanguage: {
    schema: languageTagSchema,
    kind: 'string',
    title: 'Default language',
    description:
      "The language Keyway uses, as a BCP 47 language tag (en, en-US, fr-FR, de-DE); it wins over the operating system's language. Keyway speaks English, French and German; for any other language it uses the operating system's language when Keyway speaks it, else English.",
    installer: 'LANGUAGE',
    example: 'en-US',
  },
  extraTrustedCaCertificates: {
    schema: list(absolutePathSchema, 'file path'),
    kind: 'list',
    title: 'Extra trusted CA certificates',
    description:
      'Absolute paths of PEM files (one or more certificates each) that Keyway trusts in addition to the operating system for its connections to Keyway servers and identity providers, e.g. a corporate root CA used by a TLS-inspecting proxy. Every file must exist and hold at least one certificate, or the whole policy is ignored.',
    installer: 'CA_CERTIFICATES',
    example: ['C:\\ProgramData\\Keyway\\corporate-root-ca.pem'],
    exampleFor: {
      darwin: ['/Library/Application Support/Keyway/corporate-root-ca.pem'],
      linux: ['/etc/keyway/corporate-root-ca.pem'],
    },
  },
  proxy: {
    schema: proxySchema,
    kind: 'string',
    title: 'Proxy',
    description:
      'How Keyway reaches servers: "system" (the operating system\'s proxy settings, the default), "direct" (no proxy), or a proxy URL such as http://proxy.example.com:3128 (http, https, socks4, socks5; no credentials).',
    installer: 'PROXY',
    example: 'system',
  },
  disableAutoUpdate: {
    schema: z.boolean(),
    kind: 'boolean',
    title: 'Disable automatic updates',
    description:
      'Never check for or download Keyway updates; IT deploys new versions with its own tools (MSI, pkg, deb/rpm).',
    installer: 'DISABLE_AUTO_UPDATE',
    example: false,
  },
} as const satisfies Record<string, PolicyKeyDefinition>;

export type PolicyKey = keyof typeof POLICY_KEYS;

export const POLICY_KEY_NAMES = Object.keys(POLICY_KEYS) as PolicyKey[];

type PolicyShape = { [K in PolicyKey]: z.ZodOptional<(typeof POLICY_KEYS)[K]['schema']> };

const shape = Object.fromEntries(
  POLICY_KEY_NAMES.map((key) => [key, POLICY_KEYS[key].schema.optional().describe(POLICY_KEYS[key].description)]),
) as PolicyShape;

/** The whole policy. Unknown keys are an error; so is a preset server outside the allow-list. */
export const MachinePolicySchema = z.strictObject(shape).superRefine((policy, ctx) => {
  const { presetServer, allowedServers } = policy;
  if (presetServer === undefined || allowedServers === undefined) return;
  const host = new URL(presetServer).hostname.toLowerCase();
  if (!allowedServers.some((pattern) => hostMatches(host, pattern))) {
    ctx.addIssue({
      code: 'custom',
      path: ['presetServer'],
      message: `the preset server's host ${host} is not in allowedServers`,
    });
  }
});

export type MachinePolicy = z.output<typeof MachinePolicySchema>;
