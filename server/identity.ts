import type { License } from '../protocol/api';

/** Who this server is, as clients see it. `origin` is known once the server listens. */
export interface ServerIdentity {
  name: string;
  origin: string;
  license: License;
}
