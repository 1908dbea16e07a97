import { randomBytes } from 'node:crypto';
import type { DeploymentConfig, License, ServerFeatures } from '../../protocol/api';
import { encodeDeploymentCode, SECRET_BYTES, type DeploymentCode } from '../../protocol/deployment-code';
import { buildDeepLink, buildLandingUrl } from '../../protocol/deployment-link';
import { KeywayError } from '../../protocol/errors';
import type { AuditLog } from '../audit/audit-log';
import type { AuditActor } from '../audit/events';
import type { ServerIdentity } from '../identity';
import { sha256Hex } from '../security/digest';
import type { UserRecord, UserStore } from '../users/user-store';
import type { SignInPolicy } from '../discovery/sign-in-policy';
import { SERVER_FEATURES, userSummary } from '../users/user-summary';
import type { DeploymentStore } from './deployment-store';
import { refuseIfLockedByAdmin } from '../users/user-lock';

/** 256 random bits: the enrolment ticket is a bearer secret for one installation's first enrolment. */
const ENROLMENT_TICKET_BYTES = 32;

export interface IssuedDeployment {
  /** Its id, for its status, re-send and revoke. */
  id: number;
  /** The authentication code in its display form. */
  code: string;
  deepLink: string;
  landingUrl: string;
  expiresAt: Date;
}

/** The hash a code's secret is stored and rate-limited under. */
export function deploymentSecretHash(code: DeploymentCode): string {
  return sha256Hex(code.secret);
}

export class DeploymentService {
  constructor(
    private readonly deployments: DeploymentStore,
    private readonly users: UserStore,
    private readonly identity: ServerIdentity,
    private readonly clock: () => number,
    private readonly signIn: SignInPolicy,
    /**
     * What the server offers this user now (the admin can turn forgot-password on and off while it runs;
     * the user's deployment profile can turn a feature off for them).
     */
    private readonly features: (user: UserRecord) => Promise<ServerFeatures> = () => Promise.resolve(SERVER_FEATURES),
    /** The license this user is shown (their deployment profile's, else the newest published). */
    private readonly licenseFor: (user: UserRecord) => Promise<License> = () => Promise.resolve(identity.license),
    private readonly audit?: AuditLog,
  ) {}

  /** Makes a fresh single-use code for the user. The code is returned once and never stored. */
  async create(user: UserRecord, ttlSeconds: number, actor: AuditActor): Promise<IssuedDeployment> {
    const origin = this.identity.origin;
    const secret = randomBytes(SECRET_BYTES);
    const code = encodeDeploymentCode(origin, secret);
    const expiresAt = this.clock() + ttlSeconds * 1000;
    const id = await this.atomically(async () => {
      const deployment = await this.deployments.insert(user.id, sha256Hex(secret), expiresAt);
      await this.audit?.record({
        type: 'deployment.created',
        actor,
        userId: user.id,
        details: { deployment, expiresAt },
      });
      return deployment;
    });
    return {
      id,
      code,
      deepLink: buildDeepLink(code),
      landingUrl: buildLandingUrl(origin, code),
      expiresAt: new Date(expiresAt),
    };
  }

  /**
   * The landing page was loaded with a code of this secret hash: marks the deployment opened (the first
   * time) and records it, in one transaction. Nothing is recorded when no deployment matched.
   */
  async markOpened(secretHash: string): Promise<void> {
    await this.atomically(async () => {
      const opened = await this.deployments.markOpened(secretHash);
      if (opened) {
        await this.audit?.record({
          type: 'deployment.opened',
          actor: { kind: 'anonymous' },
          userId: opened.userId,
          details: { deployment: opened.id },
        });
      }
    });
  }

  /** Redeems a parsed code for an installation; throws a KeywayError the API turns into a problem. */
  async redeem(code: DeploymentCode, installationId: string, clientVersion?: string): Promise<DeploymentConfig> {
    // A code naming another server cannot be ours, even if its secret happened to match.
    if (code.origin !== this.identity.origin) throw unknown();
    // One transaction: the claim and its audit event (a repeat by the same installation is no new fact).
    const claim = await this.atomically(async () => {
      const outcome = await this.deployments.claim(deploymentSecretHash(code), installationId, clientVersion);
      // A locked user's code is refused and stays unredeemed (this throw rolls the claim back), so it
      // still works once an admin unlocks them (users/user-lock.ts).
      if (outcome.outcome === 'claimed' || outcome.outcome === 'repeated') {
        const owner = await this.users.findById(outcome.userId);
        if (owner) refuseIfLockedByAdmin(owner);
      }
      if (outcome.outcome === 'claimed') {
        await this.audit?.record({
          type: 'deployment.redeemed',
          actor: { kind: 'anonymous' },
          userId: outcome.userId,
          installationId,
          details: { deployment: outcome.deploymentId },
        });
      }
      return outcome;
    });
    switch (claim.outcome) {
      case 'unknown':
        throw unknown();
      case 'expired':
        throw new KeywayError(
          'deployment_expired',
          'This authentication code has expired. Ask your IT department for a new deployment e-mail.',
        );
      case 'used':
        throw new KeywayError(
          'deployment_used',
          'This authentication code has already been used. Each code works once; ask your IT department for a new one.',
        );
      case 'claimed':
      case 'repeated': {
        const user = await this.users.findById(claim.userId);
        if (!user) throw unknown();
        return this.withEnrolmentTicket(await this.configFor(user), claim.deploymentId);
      }
    }
  }

  /** `work` in one transaction with the events it records (without an audit log: as it is). */
  private atomically<T>(work: () => Promise<T>): Promise<T> {
    return this.audit ? this.audit.atomically(work) : work();
  }

  private async configFor(user: UserRecord): Promise<DeploymentConfig> {
    return {
      server: { name: this.identity.name, origin: this.identity.origin },
      user: userSummary(user),
      // A unified-login user's deployment leads the new installation straight to the OpenID Provider.
      signIn: await this.signIn.methodForUser(user),
      license: await this.licenseFor(user),
      features: await this.features(user),
    };
  }

  /**
   * A unified-login installation signs in on this server's own provider pages, which cannot see an
   * installation id. The redemption hands it a fresh random ticket, which it sends back as the
   * authorization request's `keyway_enrolment` parameter; the provider then binds that sign-in's
   * second step to this installation, so its first enrolment is allowed as on the password API
   * (server/mfa/enrolment.ts).
   */
  private async withEnrolmentTicket(config: DeploymentConfig, deploymentId: number): Promise<DeploymentConfig> {
    const { signIn } = config;
    // Unified login is always this server's own provider (sign-in-policy.ts), brokering any upstream IdP.
    if (signIn.method !== 'oidc') return config;
    const ticket = randomBytes(ENROLMENT_TICKET_BYTES).toString('base64url');
    await this.deployments.setEnrolmentTicket(deploymentId, sha256Hex(ticket));
    return { ...config, signIn: { ...signIn, enrolmentTicket: ticket } };
  }
}

function unknown(): KeywayError {
  return new KeywayError(
    'deployment_unknown',
    'This server does not know this authentication code. Check that it comes from your newest deployment e-mail.',
  );
}
