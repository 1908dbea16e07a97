import { X509Certificate } from 'node:crypto';
import { z } from 'zod';
import { KeywayError, ValidationReason, type ValidationField } from '../../protocol/errors';
import { isLoopbackHost } from '../../protocol/server-origin';

/** A provider's id is part of its URLs (/sso/saml/<id>/metadata): short, lower case, stable. */
export const ProviderId = z
  .string()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?$/, 'must be 1–32 lower-case letters, digits or inner hyphens');

/** https, or plain http only to this computer (development and tests), as everywhere in Keyway. */
const ProviderUrl = z
  .string({ error: missing('must be a URL') })
  .max(2048)
  .refine((text) => URL.parse(text) !== null, { error: 'is not a URL', params: reasoned('not-a-url') })
  .refine(
    (text) => {
      const url = URL.parse(text);
      return url === null || url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.hostname));
    },
    { error: 'must use https (plain http only on this computer, for development)', params: reasoned('not-https') },
  )
  .refine(
    (text) => {
      const url = URL.parse(text);
      return url === null || (url.username === '' && url.password === '' && url.hash === '');
    },
    { error: 'must not carry a user name, password or #fragment', params: reasoned('has-credentials') },
  );

/** A PEM certificate (or its bare base64 body, as IdP consoles show it), normalized to PEM. */
const PemCertificate = z.string().transform((text, context) => {
  const body = text.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
  try {
    const certificate = new X509Certificate(Buffer.from(body, 'base64'));
    return certificate.toString();
  } catch {
    context.addIssue({
      code: 'custom',
      message: 'is not an X.509 certificate (PEM or base64)',
      params: reasoned('not-a-certificate'),
    });
    return z.NEVER;
  }
});

const Text = z
  .string({ error: missing('must be text') })
  .trim()
  .min(1, 'must not be empty')
  .max(1024);

export const SamlSettings = z.strictObject({
  /** The IdP's single sign-on URL for the HTTP-Redirect binding. */
  ssoUrl: ProviderUrl,
  /** The IdP's entity ID; assertions must name it as their Issuer. */
  idpEntityId: Text,
  /** The IdP's signing certificates; several during a rollover. */
  idpCertificates: z
    .array(PemCertificate, { error: missing('must be a list of certificates') })
    .min(1, 'is missing')
    .max(4, 'can be at most 4 certificates'),
  /** Keyway's entity ID at this IdP; defaults to the SP metadata URL. */
  spEntityId: Text.optional(),
  /** The attribute with the e-mail address; the usual names are tried when absent. */
  emailAttribute: Text.optional(),
  /** The attribute with the display name; the usual names are tried when absent. */
  nameAttribute: Text.optional(),
});
export type SamlSettings = z.infer<typeof SamlSettings>;

const TokenEndpointAuthMethod = z.enum(['client_secret_basic', 'client_secret_post'], {
  error: 'must be client_secret_basic or client_secret_post',
});
type TokenEndpointAuthMethod = z.infer<typeof TokenEndpointAuthMethod>;

export const OidcSettings = z.strictObject({
  issuer: ProviderUrl,
  clientId: z
    .string({ error: missing('must be text') })
    .min(1, 'must not be empty')
    .max(255),
  tokenEndpointAuthMethod: TokenEndpointAuthMethod,
});
export type OidcSettings = z.infer<typeof OidcSettings>;

interface ProviderCommon {
  id: string;
  displayName: string;
  /** Create a Keyway user on the first sign-in of someone unknown (just-in-time provisioning). */
  jit: boolean;
  /** Show the password form on the sign-in page beside this provider's button. */
  passwordBeside: boolean;
  /** E-mail domains routed straight to this provider (home-realm discovery). */
  domains: string[];
}

export type IdentityProvider =
  (ProviderCommon & { kind: 'saml'; saml: SamlSettings }) | (ProviderCommon & { kind: 'oidc'; oidc: OidcSettings });

/** What the admin calls each setting, for messages ("The issuer must use https"). */
const LABELS: Record<string, string> = {
  ssoUrl: 'IdP SSO URL',
  idpEntityId: 'IdP entity ID',
  idpCertificates: 'IdP signing certificate',
  spEntityId: 'SP entity ID',
  emailAttribute: 'e-mail attribute',
  nameAttribute: 'name attribute',
  issuer: 'issuer',
  clientId: 'client ID',
  tokenEndpointAuthMethod: 'token endpoint auth method',
};

/** Each setting's field, for the console to name it in the admin's language (KeywayError's detail). */
const FIELDS: Record<string, ValidationField> = {
  ssoUrl: 'idp-sso-url',
  idpEntityId: 'idp-entity-id',
  idpCertificates: 'idp-certificate',
  spEntityId: 'idp-sp-entity-id',
  emailAttribute: 'idp-email-attribute',
  nameAttribute: 'idp-name-attribute',
  issuer: 'idp-issuer',
  clientId: 'idp-client-id',
  tokenEndpointAuthMethod: 'idp-auth-method',
};

/**
 * Parses `value` with `schema`, or throws invalid_input naming the setting and the first problem: in
 * English in the message (the CLI's), and as a field and reason code in the error's detail (the console's).
 * `field` is the field of a bare value (no path), e.g. the provider id.
 */
export function parseSetting<T extends z.ZodType>(
  schema: T,
  value: unknown,
  what: string,
  field: ValidationField = 'idp-metadata',
): z.output<T> {
  // reportInput: the issue keeps its input, so a missing value (undefined) tells from a wrong one.
  const result = schema.safeParse(value, { reportInput: true });
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = issue?.path[0];
  const label = typeof key === 'string' ? (LABELS[key] ?? key) : what;
  throw new KeywayError('invalid_input', `The ${label} ${issue?.message ?? 'is not valid'}.`, {
    detail: {
      field: typeof key === 'string' ? (FIELDS[key] ?? field) : field,
      reason: issue === undefined ? 'invalid' : reasonOf(issue),
    },
  });
}

/** zod's issue as a reason code: a refinement says its own (`reasoned`), the built-in checks by their kind. */
export function reasonOf(issue: z.core.$ZodIssue): ValidationReason {
  switch (issue.code) {
    case 'custom': {
      const said = ValidationReason.safeParse(issue.params?.reason);
      return said.success ? said.data : 'invalid';
    }
    case 'invalid_type':
      return issue.input === undefined ? 'required' : 'invalid';
    case 'too_small':
      return 'required';
    case 'too_big':
      return issue.origin === 'array' ? 'too-many' : 'too-long';
    case 'invalid_format':
      return 'bad-format';
    case 'invalid_value':
      return 'not-a-choice';
    default:
      return 'invalid';
  }
}

/** A refinement's parameters carrying its reason code (read back by `reasonOf`). */
function reasoned(reason: ValidationReason): { reason: ValidationReason } {
  return { reason };
}

/** A zod error message that says "is missing" for an absent value and `otherwise` for a wrong one. */
function missing(otherwise: string): (issue: { input: unknown }) => string {
  return (issue) => (issue.input === undefined ? 'is missing' : otherwise);
}
