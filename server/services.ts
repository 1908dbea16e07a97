import type { Limits } from './config';
import { DeploymentService } from './deployments/deployment-service';
import { DeploymentStore } from './deployments/deployment-store';
import { DomainStore } from './discovery/domain-store';
import { SignInPolicy } from './discovery/sign-in-policy';
import type { ServerIdentity } from './identity';
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
}

/** Wires stores and services over one database; shared by the HTTP server and the admin CLI. */
export function createServices(db: Db, identity: ServerIdentity, clock: () => number, limits: Limits): Services {
  const transaction = <T>(work: () => T): T => db.transaction(work).immediate();
  const users = new UserStore(db, clock);
  const sessionStore = new SessionStore(db, clock);
  const domains = new DomainStore(db, clock);
  const signInPolicy = new SignInPolicy(db, identity);
  const deployments = new DeploymentService(new DeploymentStore(db, clock), users, identity, clock, signInPolicy);
  const throttle = new SignInThrottle(db, clock, limits);
  const sessions = new SessionService(users, sessionStore, throttle, identity, transaction, signInPolicy);
  return { transaction, users, sessionStore, deployments, sessions, domains, signInPolicy };
}
