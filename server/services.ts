import type { Limits } from './config';
import { DeploymentService } from './deployments/deployment-service';
import { DeploymentStore } from './deployments/deployment-store';
import { DomainStore } from './discovery/domain-store';
import { SignInPolicy } from './discovery/sign-in-policy';
import type { ServerIdentity } from './identity';
import { MfaAccount } from './mfa/account';
import { AuthenticatorStore } from './mfa/authenticators';
import { ChallengeStore } from './mfa/challenges';
import { DEFAULT_CODE_TIMINGS } from './mfa/codes';
import type { CodeDelivery } from './mfa/delivery';
import { DeviceStore } from './mfa/devices';
import { MfaPolicyStore } from './mfa/policy';
import { SecondStep } from './mfa/second-step';
import { SecretBox } from './mfa/secret-box';
import { MfaGate } from './mfa/sign-in-gate';
import { SessionService } from './sessions/session-service';
import { SessionStore } from './sessions/session-store';
import { SignInThrottle } from './sessions/sign-in-throttle';
import type { Db } from './storage/database';
import { UserStore } from './users/user-store';

export interface Services {
  /** Runs several writes as one IMMEDIATE transaction (stores' own transactions nest inside it). */
  transaction: <T>(work: () => T) => T;
  users: UserStore;
  sessionStore: SessionStore;
  deployments: DeploymentService;
  sessions: SessionService;
  domains: DomainStore;
  signInPolicy: SignInPolicy;
  mfa: MfaServices;
}

/** Multi-factor authentication (server/mfa/README.md). */
export interface MfaServices {
  policy: MfaPolicyStore;
  gate: MfaGate;
  secondStep: SecondStep;
  account: MfaAccount;
  authenticators: AuthenticatorStore;
  devices: DeviceStore;
}

export interface MfaWiring {
  /** Where the MFA key file lives (secret-box.ts). */
  dataDir: string;
  /** How e-mail and SMS codes leave the server. */
  delivery: CodeDelivery;
}

/** Wires stores and services over one database; shared by the HTTP server and the admin CLI. */
export function createServices(
  db: Db,
  identity: ServerIdentity,
  clock: () => number,
  limits: Limits,
  wiring: MfaWiring,
): Services {
  const transaction = <T>(work: () => T): T => db.transaction(work).immediate();
  const users = new UserStore(db, clock);
  const sessionStore = new SessionStore(db, clock);
  const domains = new DomainStore(db, clock);
  const signInPolicy = new SignInPolicy(db, identity);
  const deployments = new DeploymentService(new DeploymentStore(db, clock), users, identity, clock, signInPolicy);
  const throttle = new SignInThrottle(db, clock, limits);

  const box = SecretBox.inDataDir(wiring.dataDir);
  const policy = new MfaPolicyStore(db, clock);
  const authenticators = new AuthenticatorStore(db, clock, box);
  const challenges = new ChallengeStore(db, clock);
  const devices = new DeviceStore(db, clock);
  const gate = new MfaGate({ clock, policy, authenticators, challenges, devices });

  const sessions = new SessionService(users, sessionStore, throttle, identity, transaction, signInPolicy, gate);
  const secondStep = new SecondStep({
    clock,
    transaction,
    identity,
    users,
    policy,
    authenticators,
    challenges,
    box,
    gate,
    delivery: wiring.delivery,
    timings: DEFAULT_CODE_TIMINGS,
  });
  const account = new MfaAccount({ clock, transaction, identity, sessions, policy, authenticators, devices, gate });
  return {
    transaction,
    users,
    sessionStore,
    deployments,
    sessions,
    domains,
    signInPolicy,
    mfa: { policy, gate, secondStep, account, authenticators, devices },
  };
}
