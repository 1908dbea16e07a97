import { KeywayError, type ErrorCode } from '../../protocol/errors';

/**
 * A KeywayError served with another HTTP status than its code's usual one, where the protocol has no
 * code of its own for the case (e.g. a 409 conflict reported as `invalid_input`).
 */
export class KeywayStatusError extends KeywayError {
  constructor(
    code: ErrorCode,
    message: string,
    readonly status: number,
  ) {
    super(code, message);
  }
}
