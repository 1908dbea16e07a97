export interface SigningPlan {
  readonly sign: boolean;
  readonly notarize: boolean;
  /** The one line printed during packaging. */
  readonly message: string;
}

export function signingPlan(platform: string, env?: Readonly<Record<string, string | undefined>>): SigningPlan;
export function announceSigning(
  platform: string,
  env?: Readonly<Record<string, string | undefined>>,
  print?: (line: string) => void,
): void;
