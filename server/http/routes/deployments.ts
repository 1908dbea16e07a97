import type { FastifyInstance } from 'fastify';
import { API_PREFIX, DeploymentConfig, RedeemRequest } from '../../../protocol/api';
import { parseDeploymentCode, type DeploymentCode } from '../../../protocol/deployment-code';
import { KeywayError } from '../../../protocol/errors';
import type { Limits } from '../../config';
import { deploymentSecretHash, type DeploymentService } from '../../deployments/deployment-service';
import { parseBody, sendJson } from '../json';
import { createLimiter } from '../rate-limiter';

export function registerDeploymentRoutes(app: FastifyInstance, deployments: DeploymentService, limits: Limits): void {
  const perSource = createLimiter(app, {
    max: limits.redeemPerSourcePerMinute,
    windowSeconds: 60,
    what: 'authentication codes tried from this address',
  });
  // Bounds guessing against one code no matter how many addresses the guesses come from.
  const perCode = createLimiter(app, {
    max: limits.redeemPerCode,
    windowSeconds: limits.redeemPerCodeWindowSeconds,
    what: 'attempts with this authentication code',
  });

  app.post(`${API_PREFIX}/deployments/redeem`, async (request, reply) => {
    await perSource(request);
    const body = parseBody(RedeemRequest, request.body);
    const code = parseCode(body.code);
    await perCode(request, `code:${deploymentSecretHash(code)}`);
    return sendJson(reply, DeploymentConfig, await deployments.redeem(code, body.installationId, body.clientVersion));
  });
}

/** The client checks codes before sending them; the server checks again and answers in the same terms. */
function parseCode(text: string): DeploymentCode {
  try {
    return parseDeploymentCode(text);
  } catch (error) {
    if (!(error instanceof KeywayError)) throw error;
    if (error.code === 'code_malformed' || error.code === 'code_checksum') throw error;
    // E.g. a well-formed code naming a host no Keyway server may have.
    throw new KeywayError('code_malformed', error.message, { cause: error });
  }
}
