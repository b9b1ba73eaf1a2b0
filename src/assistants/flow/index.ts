export { createFlowAssistant, type FlowAssistant, type FlowUnderstanding } from './flow-assistant.ts';
export type {
  AskStep,
  Condition,
  ConditionTest,
  FlowAction,
  FlowDefinition,
  FlowStep,
  MatchingSettings,
  OptionsStep,
  Scalar,
} from './flow-types.ts';
export { type FlowIssue, FlowValidationError } from './flow-validation-error.ts';
export { loadFlowAssistant } from './load-flow-assistant.ts';
export { DEFAULT_DIGRESSION_THRESHOLD, DEFAULT_THRESHOLD, parseFlow } from './parse-flow.ts';
