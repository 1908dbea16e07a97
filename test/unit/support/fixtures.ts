import type { DeploymentConfig } from '../../../protocol/api';
import { encodeDeploymentCode } from '../../../protocol/deployment-code';

export const ORIGIN = 'https://keyway.example.com';
export const secret = (fill = 7): Uint8Array => new Uint8Array(16).fill(fill);
export const codeFor = (origin = ORIGIN, fill = 7): string => encodeDeploymentCode(origin, secret(fill));

export function configFor(origin = ORIGIN, licenseVersion = '1'): DeploymentConfig {
  return {
    server: { name: 'Example Corp', origin },
    user: { loginId: 'ana', displayName: 'Ana Example', email: 'ana@example.com' },
    signIn: { method: 'password' },
    license: { version: licenseVersion, text: 'Be nice.' },
    features: { forgotPassword: false, manualLogin: true },
  };
}
