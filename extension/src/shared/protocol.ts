/**
 * What the client and the server agree on beyond standard LSP: one
 * notification for the status bar, one server-side command, and the shape of
 * the initialization options. Other editors need none of it.
 */

/** Within the server's process: emitted on `process` once the first diagnostics are published; the launcher (launch.ts) then writes its code cache. */
export const FIRST_LINT_EVENT = "com-async:first-lint";

/** Server -> client: the state shown in the status bar. */
export const STATUS_NOTIFICATION = "comAsync/status";

export type StatusState = "ok" | "busy" | "warning" | "error";

export interface StatusParams {
  state: StatusState;
  /** One short line (the status bar tooltip). */
  text: string;
  /** The document the status is about, if any. */
  uri?: string;
  /** After a check: the version checked and where the time went (tools and benchmarks read this). */
  check?: CheckTiming;
}

export interface CheckTiming {
  version: number;
  /** From the start of the lint to its result, in milliseconds. */
  totalMs: number;
  /** Parsing and scope analysis (TypeScript files; 0 when not measured). */
  parseMs: number;
  parser: "oxc" | "typescript-eslint" | "espree";
  typed: boolean;
  /** The whole file linted, only the statements an edit can change ("partial"), or none ("reused"). */
  incremental?: "full" | "partial" | "reused";
}

/** Executed on the server: opens a rule's documentation with window/showDocument. */
export const SHOW_DOCUMENTATION_COMMAND = "comAsync.showDocumentation";

/** The code action kind of "fix all" for `editor.codeActionsOnSave`. */
export const FIX_ALL_KIND = "source.fixAll.comAsync";

export interface InitializationOptions {
  /**
   * Whether the workspace is trusted. Only then may the server load the
   * workspace's ESLint configuration (which executes workspace code).
   * Absent means untrusted.
   */
  workspaceTrusted?: boolean;
  /** Settings for clients that do not answer workspace/configuration. */
  settings?: unknown;
}
