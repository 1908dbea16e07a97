/**
 * The reference deployment and login server. It imports protocol/ only. The HTTP API, storage, mail
 * and the OpenID Provider arrive with the deployment and unified-login journeys.
 */
export const SERVER_NAME = 'Keyway reference server';
