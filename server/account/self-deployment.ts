import { parseDeploymentCode } from '../../protocol/deployment-code';
import { deploymentSecretHash, type DeploymentService, type IssuedDeployment } from '../deployments/deployment-service';
import type { DeploymentStore } from '../deployments/deployment-store';
import type { UserRecord } from '../users/user-store';
import type { AccountSession, AccountSessionStore } from './account-sessions';

/** A link from the account page works this long: it is used right away, on this computer or a phone. */
const SELF_DEPLOYMENT_TTL_SECONDS = 10 * 60;

/**
 * Deployment links a signed-in user makes for themself on the account page. Each is an ordinary
 * deployment (the deployment service makes it, so redemption works unchanged), short-lived and
 * single-use; making a new one voids the one the page showed before, so at most one is open per page.
 */
export class SelfDeployment {
  constructor(
    private readonly store: DeploymentStore,
    private readonly deployments: DeploymentService,
    private readonly sessions: AccountSessionStore,
  ) {}

  async fresh(session: AccountSession, user: UserRecord): Promise<IssuedDeployment> {
    const issued = await this.deployments.create(user, SELF_DEPLOYMENT_TTL_SECONDS, { kind: 'user', userId: user.id });
    const previous = await this.sessions.swapDeployment(
      session.idHash,
      deploymentSecretHash(parseDeploymentCode(issued.code)),
    );
    if (previous !== undefined) await this.store.expireUnredeemed(previous);
    return issued;
  }
}
