import { execFileSync } from 'node:child_process';
import { createPublicKey, randomBytes, verify, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { DOMParser, XMLSerializer } from '@xmldom/xmldom';
import { SignedXml } from 'xml-crypto';

/**
 * A real SAML 2.0 identity provider for tests, in-process on 127.0.0.1: RSA keys and a certificate
 * made by openssl at start, AuthnRequests taken over the HTTP-Redirect binding with their signature
 * checked against the certificate in the service provider's metadata, and Responses returned over the
 * HTTP-POST binding, signed with real XML-DSig (xml-crypto, RSA-SHA256, exclusive c14n).
 *
 * Browsers use its pages (GET /sso shows a sign-in form, POST /sso/login answers with an
 * auto-submitting form to the ACS); integration tests call receive() and respond() directly, and
 * respond() can also produce the broken answers a service provider must refuse.
 */

const SAML_NS = 'urn:oasis:names:tc:SAML:2.0:assertion';
const SAMLP_NS = 'urn:oasis:names:tc:SAML:2.0:protocol';
const DS_NS = 'http://www.w3.org/2000/09/xmldsig#';
const RSA_SHA256 = 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256';
const EXC_C14N = 'http://www.w3.org/2001/10/xml-exc-c14n#';

export interface IdpUser {
  /** The NameID (emailAddress format unless nameIdFormat says otherwise). */
  nameId: string;
  email?: string;
  displayName?: string;
  password?: string;
  nameIdFormat?: string;
}

/** An AuthnRequest the IdP received (its signature already verified). */
export interface ReceivedRequest {
  id: string;
  spEntityId: string;
  acsUrl: string;
  destination: string;
  relayState: string;
  xml: string;
}

/** How respond() builds (or breaks) an answer. Offsets are milliseconds from now. */
export interface ResponseOptions {
  /** What carries the signature (default: the assertion). */
  sign?: 'assertion' | 'response' | 'both' | 'none';
  audience?: string;
  recipient?: string;
  /** The Response's Destination; null leaves it out. */
  destination?: string | null;
  inResponseTo?: string;
  issuer?: string;
  assertionId?: string;
  notBefore?: number;
  notOnOrAfter?: number;
  /** Sign with this PEM key instead of the IdP's own (a key the SP does not trust). */
  signingKey?: string;
  /**
   * Signature wrapping: 'sibling' adds an unsigned assertion for `evil` beside the signed one;
   * 'nested' moves the signed assertion into samlp:Extensions and puts an assertion for `evil`, carrying
   * the moved signature, in its place.
   */
  wrap?: { kind: 'sibling' | 'nested'; evil: IdpUser };
  /** A non-success status code instead of an assertion. */
  status?: string;
}

export interface TestSamlIdp {
  entityId: string;
  ssoUrl: string;
  /** The IdP's signing certificate, PEM. */
  certificate: string;
  metadataXml: string;
  origin: string;
  users: Map<string, IdpUser>;
  /** Requests the IdP saw, newest last. */
  received: ReceivedRequest[];
  /** Checks and decodes the redirect the SP sent the browser to. */
  receive(url: string | URL): Promise<ReceivedRequest>;
  /** A Response for the request, as the HTTP-POST form fields to send to the ACS. */
  respond(
    request: ReceivedRequest,
    user: IdpUser,
    options?: ResponseOptions,
  ): { acsUrl: string; form: { SAMLResponse: string; RelayState: string } };
  close(): Promise<void>;
}

/** A fresh RSA key pair and self-signed certificate from the real openssl. */
export function rsaCertificate(commonName: string): { key: string; cert: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-saml-'));
  try {
    execFileSync(
      'openssl',
      ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${commonName}`].concat([
        '-keyout',
        path.join(dir, 'key.pem'),
        '-out',
        path.join(dir, 'cert.pem'),
      ]),
      { stdio: 'ignore' },
    );
    return {
      key: readFileSync(path.join(dir, 'key.pem'), 'utf8'),
      cert: readFileSync(path.join(dir, 'cert.pem'), 'utf8'),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the IdP. `spMetadataUrl` is read (once, on the first request) for the SP's certificate and ACS. */
export async function startSamlIdp(options: { spMetadataUrl: () => string }): Promise<TestSamlIdp> {
  const { key, cert } = rsaCertificate('Keyway test SAML IdP');
  const users = new Map<string, IdpUser>();
  const received: ReceivedRequest[] = [];
  let sp: { certificate: string; acsUrls: string[]; entityId: string } | undefined;

  const spMetadata = async (): Promise<NonNullable<typeof sp>> => {
    if (sp) return sp;
    const response = await fetch(options.spMetadataUrl());
    if (!response.ok) throw new Error(`SP metadata: ${response.status}`);
    const document = parse(await response.text());
    const entity = document.documentElement;
    const certificate = document.getElementsByTagNameNS(DS_NS, 'X509Certificate')[0]?.textContent ?? '';
    const acsUrls = Array.from(
      document.getElementsByTagNameNS('urn:oasis:names:tc:SAML:2.0:metadata', 'AssertionConsumerService'),
    ).map((node) => node.getAttribute('Location') ?? '');
    sp = {
      certificate: new X509Certificate(Buffer.from(certificate.replace(/\s+/g, ''), 'base64')).toString(),
      acsUrls,
      entityId: entity.getAttribute('entityID') ?? '',
    };
    return sp;
  };

  // Known once the server listens; the handlers below only run after that.
  let origin = '';
  let entityId = '';
  const receive = async (url: string | URL): Promise<ReceivedRequest> => {
    const { certificate, acsUrls, entityId } = await spMetadata();
    const target = new URL(url);
    const raw = target.search.slice(1).split('&');
    const part = (name: string): string | undefined => raw.find((each) => each.startsWith(`${name}=`));
    const samlRequest = part('SAMLRequest');
    const sigAlg = part('SigAlg');
    const signature = target.searchParams.get('Signature');
    if (samlRequest === undefined || sigAlg === undefined || signature === null) {
      throw new Error('The AuthnRequest is not signed (no SigAlg/Signature).');
    }
    if (target.searchParams.get('SigAlg') !== RSA_SHA256) throw new Error('Unexpected SigAlg.');
    // SAML bindings §3.4.4.1: the signature covers the parameters exactly as they were encoded.
    const signed = [samlRequest, part('RelayState'), sigAlg].filter((each) => each !== undefined).join('&');
    if (!verify('sha256', Buffer.from(signed), createPublicKey(certificate), Buffer.from(signature, 'base64'))) {
      throw new Error('The AuthnRequest signature does not verify with the SP metadata certificate.');
    }
    const xml = inflateRawSync(Buffer.from(target.searchParams.get('SAMLRequest') ?? '', 'base64')).toString('utf8');
    const request = parse(xml).documentElement;
    if (request.localName !== 'AuthnRequest') throw new Error('Not an AuthnRequest.');
    const issuer = request.getElementsByTagNameNS(SAML_NS, 'Issuer')[0]?.textContent ?? '';
    const acsUrl = request.getAttribute('AssertionConsumerServiceURL') ?? '';
    if (issuer !== entityId) throw new Error(`AuthnRequest issuer ${issuer} is not the SP's entity ID ${entityId}.`);
    if (!acsUrls.includes(acsUrl)) throw new Error(`ACS ${acsUrl} is not in the SP metadata.`);
    const result: ReceivedRequest = {
      id: request.getAttribute('ID') ?? '',
      spEntityId: issuer,
      acsUrl,
      destination: request.getAttribute('Destination') ?? '',
      relayState: target.searchParams.get('RelayState') ?? '',
      xml,
    };
    received.push(result);
    return result;
  };

  const server = http.createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      response.statusCode = 400;
      response.setHeader('content-type', 'text/plain; charset=utf-8');
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  const handle = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', origin);
    response.setHeader('content-type', 'text/html; charset=utf-8');
    if (request.method === 'GET' && url.pathname === '/metadata') {
      response.setHeader('content-type', 'application/samlmetadata+xml');
      response.end(metadataXml());
      return;
    }
    if (request.method === 'GET' && url.pathname === '/sso') {
      response.end(loginPage(url.search, await receive(url), ''));
      return;
    }
    if (request.method === 'POST' && url.pathname === '/sso/login') {
      const form = new URLSearchParams(await body(request));
      const original = new URL(`/sso${form.get('query') ?? ''}`, origin);
      const authnRequest = await receive(original);
      const user = users.get((form.get('username') ?? '').toLowerCase());
      if (!user || (user.password ?? 'idp-password') !== form.get('password')) {
        response.statusCode = 401;
        response.end(loginPage(original.search, authnRequest, 'Wrong user name or password.'));
        return;
      }
      const answer = respond(authnRequest, user, {});
      response.end(postPage(answer.acsUrl, answer.form));
      return;
    }
    response.statusCode = 404;
    response.end('not found');
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  entityId = `${origin}/metadata`;

  const respond: TestSamlIdp['respond'] = (request, user, options = {}) => {
    const now = Date.now();
    const issuer = options.issuer ?? entityId;
    const acsUrl = request.acsUrl;
    const inResponseTo = options.inResponseTo ?? request.id;
    const assertion = assertionXml({
      id: options.assertionId ?? newId(),
      issuer,
      user,
      inResponseTo,
      recipient: options.recipient ?? acsUrl,
      audience: options.audience ?? request.spEntityId,
      notBefore: iso(now + (options.notBefore ?? -60_000)),
      notOnOrAfter: iso(now + (options.notOnOrAfter ?? 5 * 60_000)),
      now: iso(now),
    });
    const destination = options.destination === undefined ? acsUrl : options.destination;
    const status = options.status ?? 'urn:oasis:names:tc:SAML:2.0:status:Success';
    const responseId = newId();
    let xml = `<samlp:Response xmlns:samlp="${SAMLP_NS}" xmlns:saml="${SAML_NS}" ID="${responseId}" Version="2.0" IssueInstant="${iso(now)}"${
      destination === null ? '' : ` Destination="${escape(destination)}"`
    } InResponseTo="${escape(inResponseTo)}"><saml:Issuer>${escape(issuer)}</saml:Issuer><samlp:Status><samlp:StatusCode Value="${status}"/></samlp:Status>${
      options.status === undefined ? assertion : ''
    }</samlp:Response>`;
    const signingKey = options.signingKey ?? key;
    const sign = options.sign ?? 'assertion';
    if (options.status === undefined && (sign === 'assertion' || sign === 'both')) {
      xml = signElement(xml, 'Assertion', signingKey, cert);
    }
    if (options.wrap)
      xml = wrap(xml, options.wrap.kind, options.wrap.evil, { ...options, issuer, inResponseTo, acsUrl, request });
    if (sign === 'response' || sign === 'both') xml = signElement(xml, 'Response', signingKey, cert);
    return {
      acsUrl,
      form: { SAMLResponse: Buffer.from(xml, 'utf8').toString('base64'), RelayState: request.relayState },
    };
  };

  const metadataXml = (): string => `<?xml version="1.0"?>
<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" xmlns:ds="${DS_NS}" entityID="${entityId}">
  <md:IDPSSODescriptor WantAuthnRequestsSigned="true" protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol">
    <md:KeyDescriptor use="signing"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>${pemBody(cert)}</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="${origin}/sso"/>
    <md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect" Location="${origin}/sso"/>
  </md:IDPSSODescriptor>
</md:EntityDescriptor>
`;
  return {
    entityId,
    ssoUrl: `${origin}/sso`,
    certificate: cert,
    metadataXml: metadataXml(),
    origin,
    users,
    received,
    receive,
    respond,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function assertionXml(input: {
  id: string;
  issuer: string;
  user: IdpUser;
  inResponseTo: string;
  recipient: string;
  audience: string;
  notBefore: string;
  notOnOrAfter: string;
  now: string;
}): string {
  const format = input.user.nameIdFormat ?? 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress';
  const attributes = [
    ['email', input.user.email],
    ['displayName', input.user.displayName],
  ]
    .filter((pair): pair is [string, string] => pair[1] !== undefined)
    .map(
      ([name, value]) =>
        `<saml:Attribute Name="${name}"><saml:AttributeValue>${escape(value)}</saml:AttributeValue></saml:Attribute>`,
    )
    .join('');
  return `<saml:Assertion xmlns:saml="${SAML_NS}" ID="${input.id}" Version="2.0" IssueInstant="${input.now}"><saml:Issuer>${escape(
    input.issuer,
  )}</saml:Issuer><saml:Subject><saml:NameID Format="${format}">${escape(
    input.user.nameId,
  )}</saml:NameID><saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer"><saml:SubjectConfirmationData InResponseTo="${escape(
    input.inResponseTo,
  )}" Recipient="${escape(input.recipient)}" NotOnOrAfter="${input.notOnOrAfter}"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore="${
    input.notBefore
  }" NotOnOrAfter="${input.notOnOrAfter}"><saml:AudienceRestriction><saml:Audience>${escape(
    input.audience,
  )}</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement AuthnInstant="${input.now}" SessionIndex="${newId()}"><saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>${
    attributes === '' ? '' : `<saml:AttributeStatement>${attributes}</saml:AttributeStatement>`
  }</saml:Assertion>`;
}

/** Enveloped XML-DSig over the first element with this local name, placed after its Issuer. */
function signElement(xml: string, localName: 'Assertion' | 'Response', key: string, cert: string): string {
  const signer = new SignedXml({
    privateKey: key,
    publicCert: cert,
    signatureAlgorithm: RSA_SHA256,
    canonicalizationAlgorithm: EXC_C14N,
  });
  const element = `//*[local-name(.)='${localName}']`;
  signer.addReference({
    xpath: element,
    digestAlgorithm: 'http://www.w3.org/2001/04/xmlenc#sha256',
    transforms: ['http://www.w3.org/2000/09/xmldsig#enveloped-signature', EXC_C14N],
  });
  signer.computeSignature(xml, {
    prefix: 'ds',
    location: { reference: `${element}/*[local-name(.)='Issuer']`, action: 'after' },
  });
  return signer.getSignedXml();
}

/** The two signature-wrapping shapes (XSW) a service provider must refuse. */
function wrap(
  xml: string,
  kind: 'sibling' | 'nested',
  evil: IdpUser,
  context: ResponseOptions & { issuer: string; inResponseTo: string; acsUrl: string; request: ReceivedRequest },
): string {
  const now = Date.now();
  const evilXml = assertionXml({
    id: newId(),
    issuer: context.issuer,
    user: evil,
    inResponseTo: context.inResponseTo,
    recipient: context.acsUrl,
    audience: context.request.spEntityId,
    notBefore: iso(now - 60_000),
    notOnOrAfter: iso(now + 5 * 60_000),
    now: iso(now),
  });
  const document = parse(xml);
  const response = document.documentElement;
  const signed = response.getElementsByTagNameNS(SAML_NS, 'Assertion')[0];
  if (!signed) throw new Error('Nothing to wrap.');
  const injected = document.importNode(parse(evilXml).documentElement, true);
  if (kind === 'sibling') {
    response.insertBefore(injected, signed);
  } else {
    const signature = signed.getElementsByTagNameNS(DS_NS, 'Signature')[0];
    if (!signature) throw new Error('The assertion to wrap is not signed.');
    const extensions = document.createElementNS(SAMLP_NS, 'samlp:Extensions');
    response.insertBefore(extensions, signed);
    response.replaceChild(injected, signed);
    extensions.appendChild(signed);
    // The evil assertion carries the signature, whose reference still names the moved original.
    signed.removeChild(signature);
    const issuer = injected.getElementsByTagNameNS(SAML_NS, 'Issuer')[0];
    injected.insertBefore(signature, issuer?.nextSibling ?? null);
  }
  return new XMLSerializer().serializeToString(document);
}

function loginPage(query: string, request: ReceivedRequest, error: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test IdP sign-in</title></head><body>
<h1>Test IdP</h1><p>Sign in to continue to ${escape(request.spEntityId)}</p>
${error === '' ? '' : `<p role="alert">${escape(error)}</p>`}
<form method="post" action="/sso/login">
<input type="hidden" name="query" value="${escape(query)}">
<label for="username">Username</label><input id="username" name="username" autocomplete="username">
<label for="password">IdP password</label><input id="password" name="password" type="password">
<button type="submit">Continue</button>
</form></body></html>`;
}

/** The HTTP-POST binding: a form that submits itself, with a button for browsers without script. */
function postPage(action: string, form: Record<string, string>): string {
  const fields = Object.entries(form)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${escape(value)}">`)
    .join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Signing in…</title></head>
<body onload="document.forms[0].submit()"><form method="post" action="${escape(action)}">${fields}
<noscript><button type="submit">Continue</button></noscript></form></body></html>`;
}

function parse(xml: string): Document {
  const errors: string[] = [];
  const document = new DOMParser({
    errorHandler: {
      error: (message: string) => errors.push(message),
      fatalError: (message: string) => errors.push(message),
    },
  }).parseFromString(xml, 'text/xml');
  if (errors.length > 0) throw new Error(`Bad XML: ${errors.join('; ')}`);
  return document;
}

async function body(request: http.IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function newId(): string {
  return `_${randomBytes(16).toString('hex')}`;
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

function pemBody(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
