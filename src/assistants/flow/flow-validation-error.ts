/** One problem in a flow file, with the line it is on (1-based; 0 when unknown). */
export interface FlowIssue {
  line: number;
  message: string;
}

/**
 * Thrown by `parseFlow` when a flow file is invalid. The message lists every problem as
 * `file:line: problem`, one a line, in file order, e.g. `support.yaml:14: step "ask" needs "variable"`.
 */
export class FlowValidationError extends Error {
  override readonly name = 'FlowValidationError';
  readonly code = 'SB_FLOW_INVALID';
  readonly file: string;
  readonly issues: readonly FlowIssue[];

  constructor(file: string, issues: readonly FlowIssue[]) {
    const sorted = [...issues].sort((a, b) => a.line - b.line);
    super(sorted.map((issue) => `${file}:${issue.line}: ${issue.message}`).join('\n'));
    this.file = file;
    this.issues = sorted;
  }
}
