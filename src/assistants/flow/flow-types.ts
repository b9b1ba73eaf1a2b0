/**
 * The flow assistant's definition once loaded: the YAML file of design.md §3, validated and normalised
 * (every step has a `kind`, shorthands expanded, defaults filled in).
 */
import type { Card, Choice } from '../responses.ts';

/** A value a `set` step may store (null removes the variable). */
export type Scalar = string | number | boolean | null;

export type Condition =
  | { kind: 'all'; conditions: Condition[] }
  | { kind: 'any'; conditions: Condition[] }
  | { kind: 'not'; condition: Condition }
  | { kind: 'test'; variable: string; test: ConditionTest };

/** One comparison on a variable (a context variable, `input`, `profile.first_name`, ...). */
export type ConditionTest =
  | { op: 'equals' | 'not_equals'; value: Scalar }
  | { op: 'matches'; pattern: string }
  | { op: 'exists'; value: boolean }
  | { op: 'in'; values: Scalar[] }
  | { op: 'greater_than' | 'less_than'; value: number };

export interface AskStep {
  kind: 'ask';
  text: string;
  variable: string;
  /** JavaScript regular expression, tested case-insensitively on the trimmed answer. */
  pattern?: string;
  /** Sent instead of `text` when the answer does not fit `pattern`. */
  retry?: string;
  /** Suggested answers shown as quick replies; typed answers are still accepted. */
  choices?: Choice[];
  /** Retry texts sent before the next wrong answer gives up (default 3). */
  max_retries: number;
  /** Action to run after too many wrong answers (default: the fallback). */
  on_fail?: string;
}

export interface OptionsStep {
  kind: 'options';
  text: string;
  choices: Choice[];
  /** When set, the flow waits for a pick, stores its value here and goes on; otherwise each value names an action. */
  variable?: string;
  /** Sent when the flow waits for a pick and gets something else (default: a built-in phrase). */
  retry?: string;
}

export type FlowStep =
  | { kind: 'say'; text: string }
  | AskStep
  | OptionsStep
  | { kind: 'media'; type: 'image' | 'video' | 'audio' | 'file'; url: string; title?: string; description?: string }
  | { kind: 'card'; card: Card }
  | { kind: 'carousel'; cards: Card[] }
  | { kind: 'pause'; ms: number; typing: boolean }
  | { kind: 'connect_to_agent'; message?: string; reason?: string }
  | { kind: 'set'; values: Record<string, Scalar> }
  | { kind: 'if'; condition: Condition; then_steps: FlowStep[]; else_steps: FlowStep[] }
  | { kind: 'goto'; action: string }
  | { kind: 'end' };

export type FlowStepKind = FlowStep['kind'];

export interface FlowAction {
  id: string;
  /** `welcome`: runs on Get Started; `attachment`: runs when the person sends media. */
  trigger?: 'welcome' | 'attachment';
  /** Phrasings the intent matcher is trained on. */
  examples: string[];
  steps: FlowStep[];
}

export interface MatchingSettings {
  /** Minimum score (0..1) for a text to start an action; below it the fallback runs. */
  threshold: number;
  /** Minimum score for a text to leave a pending question for another action (stricter than `threshold`). */
  digression_threshold: number;
}

export interface FlowDefinition {
  name: string;
  /** Language of the examples and of the built-in phrases ("en", "fr", ...). */
  language: string;
  /** Inactivity after which the gateway starts a new session with an empty context; unset, the page's applies. */
  session_timeout_minutes?: number;
  matching: MatchingSettings;
  actions: FlowAction[];
  /** Runs when nothing matches; null means the built-in phrase of the language. */
  fallback: FlowStep[] | null;
  /**
   * Texts no action should start (`fallback.examples`): the matcher learns them as a "none of these" class, so
   * texts like them score lower for every action (intent-matcher.ts, `offTopic`).
   */
  fallback_examples: string[];
}
