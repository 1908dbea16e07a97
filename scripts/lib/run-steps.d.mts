export interface Step {
  name: string;
  command: string[];
  env?: Record<string, string>;
  /** Stops the run when it fails (nothing after it means anything without it). */
  gate?: boolean;
  /** Runs beside the next steps, its output buffered in `log`, until the step named `until` starts. */
  beside?: { until: string; log: string };
  layer?: string;
  report?: string;
}
export function runSteps(
  steps: readonly Step[],
  options: { cwd: string; write?: (text: string) => void },
): Promise<0 | 1>;
