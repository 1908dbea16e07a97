import type { Row } from '../storage/schema';

/**
 * A deployment's status as an admin sees it, from its row. Precedence: redeemed (the code did its job,
 * whatever came later) > revoked (an admin ended it) > expired > opened (the landing page was loaded
 * with this code) > sent.
 */
type DeploymentState = 'sent' | 'opened' | 'redeemed' | 'expired' | 'revoked';

export interface DeploymentStatus {
  id: number;
  userId: number;
  state: DeploymentState;
  createdAt: Date;
  expiresAt: Date;
  openedAt?: Date;
  redeemedAt?: Date;
  /** The installation that redeemed it. */
  installationId?: string;
  /** The client version it said on redeem (clients older than schema 15's server say nothing). */
  clientVersion?: string;
  revokedAt?: Date;
}

export type DeploymentRow = Pick<
  Row<'deployments'>,
  | 'id'
  | 'user_id'
  | 'created_at'
  | 'expires_at'
  | 'opened_at'
  | 'redeemed_at'
  | 'redeemed_by'
  | 'client_version'
  | 'revoked_at'
>;

export const DEPLOYMENT_STATUS_COLUMNS = [
  'id',
  'user_id',
  'created_at',
  'expires_at',
  'opened_at',
  'redeemed_at',
  'redeemed_by',
  'client_version',
  'revoked_at',
] as const;

function deploymentState(row: DeploymentRow, now: number): DeploymentState {
  if (row.redeemed_at !== null) return 'redeemed';
  if (row.revoked_at !== null) return 'revoked';
  if (row.expires_at <= now) return 'expired';
  if (row.opened_at !== null) return 'opened';
  return 'sent';
}

export function deploymentStatus(row: DeploymentRow, now: number): DeploymentStatus {
  const date = (ms: number | null): Date | undefined => (ms === null ? undefined : new Date(ms));
  const optional = <K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> =>
    value === undefined ? {} : ({ [key]: value } as Record<K, V>);
  return {
    id: row.id,
    userId: row.user_id,
    state: deploymentState(row, now),
    createdAt: new Date(row.created_at),
    expiresAt: new Date(row.expires_at),
    ...optional('openedAt', date(row.opened_at)),
    ...optional('redeemedAt', date(row.redeemed_at)),
    ...optional('installationId', row.redeemed_by ?? undefined),
    ...optional('clientVersion', row.client_version ?? undefined),
    ...optional('revokedAt', date(row.revoked_at)),
  };
}
