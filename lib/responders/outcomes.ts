// What a tracked request and the metrics can say about how a script responder answered: one of the sandbox's
// outcomes, or that the script was not run because its circuit breaker was open.
import { scriptOutcomes } from '../sandbox/types.ts';

/** The outcome of an answer given without running the script, its circuit breaker being open (docs/contract.md §10). */
export const breakerOutcome = 'breaker';
export const answerOutcomes = [...scriptOutcomes, breakerOutcome] as const;
export type AnswerOutcome = (typeof answerOutcomes)[number];
