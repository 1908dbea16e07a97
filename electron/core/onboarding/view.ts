import type { View } from '../../ipc/view';
import { viewOf } from './machine';
import type { OnboardingState } from './states';

/** The view the renderer shows for a state: the only thing that crosses to the UI, never a secret. */
export function toView(state: OnboardingState): View {
  return viewOf(state);
}
