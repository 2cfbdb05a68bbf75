/**
 * Hosted-flow events (docs/provider.md, "Hosted flow events") and what each one means for the
 * element. The only place that classifies a step.
 */

export const PROGRESS_STEPS = [
  'APP_MOUNTED',
  'INSTITUTION_SELECTED',
  'SUBMIT_CREDENTIAL',
  'SUBMIT_MFA',
  'ACCOUNT_SELECTED',
  'COMPONENT_DEPOSIT_CONTINUE',
  'GUARANTEE_OFFERED',
  'COMPONENT_PAD_DOWNLOADED',
  'CLOSE_ATTEMPT',
  'CANCEL_CONFIRMATION',
  'BACK',
] as const;

export const TERMINATING_STEPS = [
  'SUCCESS',
  'CLOSE',
  'GUARANTEE_FAILED',
  'COMPONENT_PAD_WARNING_SCREEN_EXIT',
  'COMPONENT_OTHER_FUNDING_OPTIONS_SELECTED',
  'COMPONENT_NBO_RETURN_TO_CLIENT_SELECTED',
] as const;

export type ProgressStep = (typeof PROGRESS_STEPS)[number];
export type TerminatingStep = (typeof TERMINATING_STEPS)[number];
export type KnownStep = ProgressStep | TerminatingStep;

/**
 * What a step means for the session:
 * - `progress`: the shopper is moving through the flow; nothing ends.
 * - `completed`: payment authorized. Never cancel after this.
 * - `closed`: the shopper confirmed leaving the flow. The session must be cancelled.
 * - `ended`: the flow ended for another reason (guarantee refused, another funding option
 *   chosen, ...). The provider owns the outcome; nothing is cancelled.
 */
export type StepMeaning = 'progress' | 'completed' | 'closed' | 'ended';

const TERMINATING_MEANING: Readonly<Record<TerminatingStep, Exclude<StepMeaning, 'progress'>>> = {
  SUCCESS: 'completed',
  CLOSE: 'closed',
  GUARANTEE_FAILED: 'ended',
  COMPONENT_PAD_WARNING_SCREEN_EXIT: 'ended',
  COMPONENT_OTHER_FUNDING_OPTIONS_SELECTED: 'ended',
  COMPONENT_NBO_RETURN_TO_CLIENT_SELECTED: 'ended',
};

export function isTerminatingStep(step: string): step is TerminatingStep {
  return Object.hasOwn(TERMINATING_MEANING, step);
}

/** Unknown steps are progress: a new provider step must never end or cancel a session. */
export function stepMeaning(step: string): StepMeaning {
  return isTerminatingStep(step) ? TERMINATING_MEANING[step] : 'progress';
}
