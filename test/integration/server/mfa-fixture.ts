import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import * as OTPAuth from 'otpauth';
import { expect } from 'vitest';
import { SessionTokens } from '../../../protocol/api';
import {
  DeviceNonce,
  deviceProofMessage,
  type MfaRequired,
  PasswordSignInResponse,
  TotpEnrollment,
  VerifiedSession,
  type DeviceProof,
  type DevicePublicKey,
} from '../../../protocol/mfa';
import type { MfaPolicyChange } from '../../../server/index';
import { ANA, postJson, startServerWithAna, type JsonResponse, type TestServer } from './server-fixture';

export const INSTALLATION = 'installation-mfa-aaaa';
export const ANA_PHONE = '+447700900123';

/** A server with Ana and the given MFA policy. */
export async function startMfaServer(
  policy: MfaPolicyChange = {},
  options: Parameters<typeof startServerWithAna>[0] = {},
): Promise<TestServer> {
  const test = await startServerWithAna(options);
  await test.server.admin.setMfaPolicy(policy);
  return test;
}

export function passwordSignIn(origin: string, extra: Record<string, unknown> = {}): Promise<JsonResponse> {
  return postJson(origin, '/api/v1/sessions', {
    loginId: ANA.loginId,
    password: ANA.password,
    installationId: INSTALLATION,
    ...extra,
  });
}

/** Signs Ana in with the password and expects MfaRequired. */
export async function challenged(origin: string, extra: Record<string, unknown> = {}): Promise<MfaRequired> {
  const response = await passwordSignIn(origin, extra);
  expect(response.status).toBe(200);
  const body = PasswordSignInResponse.parse(response.body);
  if (!('status' in body)) throw new Error('Expected MfaRequired, got SessionTokens.');
  return body;
}

/** Signs Ana in with the password and expects SessionTokens. */
export async function signedInWithPassword(
  origin: string,
  extra: Record<string, unknown> = {},
): Promise<SessionTokens> {
  const response = await passwordSignIn(origin, extra);
  expect(response.status).toBe(200);
  return SessionTokens.parse(response.body);
}

/** The code an authenticator app shows at the server's current time, computed by otpauth (independent of otplib). */
export function totpCode(secret: string, test: Pick<TestServer, 'now'>, offsetSteps = 0): string {
  return new OTPAuth.TOTP({ secret: OTPAuth.Secret.fromBase32(secret) }).generate({
    timestamp: test.now() + offsetSteps * 30_000,
  });
}

export function verify(origin: string, body: Record<string, unknown>): Promise<JsonResponse> {
  return postJson(origin, '/api/v1/mfa/verify', body);
}

export async function enroll(origin: string, challengeId: string): Promise<TotpEnrollment> {
  const response = await postJson(origin, '/api/v1/mfa/enroll', { challengeId });
  expect(response.status).toBe(200);
  return TotpEnrollment.parse(response.body);
}

/**
 * The admin's deployment for Ana, redeemed by `installationId`: that installation's next sign-in is
 * the only one that may enrol a first authenticator (server/mfa/enrolment.ts).
 */
export async function redeemFreshDeployment(test: TestServer, installationId = INSTALLATION): Promise<void> {
  const { code } = await test.server.admin.createDeployment(ANA.loginId);
  const response = await postJson(test.origin, '/api/v1/deployments/redeem', { code, installationId });
  expect(response.status).toBe(200);
}

/**
 * Enforces MFA for Ana's first sign-in after a fresh deployment, enrols an authenticator and verifies;
 * returns its secret and the session. The clock moves one step on, so the next code is a fresh one.
 */
export async function enrolAna(test: TestServer): Promise<{ secret: string; session: VerifiedSession }> {
  await redeemFreshDeployment(test);
  const required = await challenged(test.origin);
  const { secret } = await enroll(test.origin, required.challengeId);
  const response = await verify(test.origin, {
    challengeId: required.challengeId,
    channel: 'totp',
    code: totpCode(secret, test),
  });
  expect(response.status).toBe(200);
  test.advance(30_000);
  return { secret, session: VerifiedSession.parse(response.body) };
}

/** The code in the newest sign-in code e-mail in the server's outbox (a server without SMTP). */
export async function outboxEmailCode(test: Pick<TestServer, 'dataDir'>): Promise<string> {
  const outbox = path.join(test.dataDir, 'outbox');
  const name = readdirSync(outbox)
    .filter((each) => each.includes('-mfa-code-'))
    .sort()
    .at(-1);
  if (name === undefined) throw new Error('No code e-mail in the outbox.');
  const mail = await simpleParser(readFileSync(path.join(outbox, name)));
  return /^\s+(\d{6})$/m.exec(mail.text ?? '')?.[1] ?? '';
}

/** A device key pair as Keyway keeps it: ECDSA P-256, the public half as a JWK. */
export interface DeviceKey {
  privateKey: KeyObject;
  publicKey: DevicePublicKey;
}

export function newDeviceKey(): DeviceKey {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  return { privateKey, publicKey: { kty: 'EC', crv: 'P-256', x: jwk.x ?? '', y: jwk.y ?? '' } };
}

/** A fresh nonce from the server, signed with the device key (node:crypto, IEEE P1363, base64url). */
export async function deviceProof(origin: string, deviceId: string, key: DeviceKey): Promise<DeviceProof> {
  const response = await postJson(origin, '/api/v1/sessions/device-nonce', {});
  expect(response.status).toBe(200);
  const { nonce, expiresIn } = DeviceNonce.parse(response.body);
  expect(expiresIn).toBe(120);
  const signature = sign('sha256', Buffer.from(deviceProofMessage(nonce)), {
    key: key.privateKey,
    dsaEncoding: 'ieee-p1363',
  }).toString('base64url');
  return { deviceId, nonce, signature };
}

export function bearer(accessToken: string): Record<string, string> {
  return { authorization: `Bearer ${accessToken}` };
}

export async function postAuthorized(
  origin: string,
  pathname: string,
  accessToken: string,
  body: unknown,
): Promise<JsonResponse> {
  const response = await fetch(`${origin}${pathname}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...bearer(accessToken) },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? undefined : (JSON.parse(text) as unknown),
  };
}
