/**
 * Code actions for the problems of one document version: a quick fix per
 * ESLint suggestion, "fix all", "disable for this line", "show documentation".
 * Every edit is computed here, on the server, from the text of the version the
 * problems were found in, and is sent as a versioned edit where the client
 * supports it (a stale edit is then refused instead of corrupting the file).
 */
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Range, TextEdit, WorkspaceEdit } from "vscode-languageserver";
import type { TextDocument } from "vscode-languageserver-textdocument";
import type { LintTarget, Problem, RuleConfig } from "./lint";
import { applyEdits, fixAll, minimalEdit, NAMESPACE, parses } from "./lint";
import { FIX_ALL_KIND, SHOW_DOCUMENTATION_COMMAND } from "../shared/protocol";

export const SOURCE = NAMESPACE;
export const FIX_ALL_TITLE = "Fix all com-async problems in this file";

/** One linted version of a document: what code actions are computed from. */
export interface LintedVersion {
  document: TextDocument;
  target: LintTarget;
  config: RuleConfig;
  problems: Problem[];
  /** Memo of "does this edited text parse" per candidate edit. */
  parseMemo: Map<string, boolean>;
}

export interface ClientFeatures {
  documentChanges: boolean;
  relatedInformation: boolean;
  resolveEdit: boolean;
}

const SEVERITY: Record<Problem["severity"], DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warn: DiagnosticSeverity.Warning,
  info: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

export function toDiagnostic(problem: Problem, uri: string, features: ClientFeatures): Diagnostic {
  const diagnostic: Diagnostic = {
    range: problem.range,
    severity: SEVERITY[problem.severity],
    source: SOURCE,
    code: `${NAMESPACE}/${problem.rule}`,
    message: problem.message,
    data: { rule: problem.rule },
  };
  if (problem.docUrl) diagnostic.codeDescription = { href: problem.docUrl };
  if (problem.related && features.relatedInformation) {
    diagnostic.relatedInformation = [DiagnosticRelatedInformation.create({ uri, range: problem.related.range }, capitalise(problem.related.label))];
  }
  return diagnostic;
}

function capitalise(text: string): string {
  return text.length > 0 ? text[0].toUpperCase() + text.slice(1) : text;
}

function overlaps(a: Range, b: Range): boolean {
  const before = (p: { line: number; character: number }, q: { line: number; character: number }) => p.line < q.line || (p.line === q.line && p.character < q.character);
  return !before(a.end, b.start) && !before(b.end, a.start);
}

function kindMatches(kind: string, only: string[] | undefined): boolean {
  return !only || only.some((wanted) => kind === wanted || kind.startsWith(`${wanted}.`));
}

export function workspaceEdit(document: TextDocument, edits: TextEdit[], features: ClientFeatures): WorkspaceEdit {
  if (features.documentChanges) return { documentChanges: [{ textDocument: { uri: document.uri, version: document.version }, edits }] };
  return { changes: { [document.uri]: edits } };
}

function textEdit(document: TextDocument, edit: { range: [number, number]; text: string }): TextEdit {
  return TextEdit.replace({ start: document.positionAt(edit.range[0]), end: document.positionAt(edit.range[1]) }, edit.text);
}

/** Checks (once per version and edit) that an edit leaves code that parses. */
function editParses(linted: LintedVersion, edits: { range: [number, number]; text: string }[]): boolean {
  const key = JSON.stringify(edits);
  let ok = linted.parseMemo.get(key);
  if (ok === undefined) {
    ok = parses({ ...linted.target, text: applyEdits(linted.target.text, edits) });
    linted.parseMemo.set(key, ok);
  }
  return ok;
}

/** The `// eslint-disable-next-line` edit for a problem: a new comment line, or the rule added to an existing one. */
export function disableEdit(document: TextDocument, problem: Problem): { range: [number, number]; text: string } {
  const text = document.getText();
  const line = problem.range.start.line;
  const lineStart = document.offsetAt({ line, character: 0 });
  const lineText = text.slice(lineStart, document.offsetAt({ line: line + 1, character: 0 })).replace(/\r?\n$/, "");
  const ruleId = `${NAMESPACE}/${problem.rule}`;
  if (line > 0) {
    const previousStart = document.offsetAt({ line: line - 1, character: 0 });
    const previous = text.slice(previousStart, lineStart).replace(/\r?\n$/, "");
    const match = /^(\s*\/\/\s*eslint-disable-next-line\s+)([^\r\n]*?)(\s+--.*)?$/.exec(previous);
    if (match && match[2].trim().length > 0) {
      const at = previousStart + match[1].length + match[2].length;
      return { range: [at, at], text: `, ${ruleId}` };
    }
  }
  const indent = /^\s*/.exec(lineText)?.[0] ?? "";
  const eol = text.includes("\r\n") ? "\r\n" : "\n";
  return { range: [lineStart, lineStart], text: `${indent}// eslint-disable-next-line ${ruleId}${eol}` };
}

/** Data of an unresolved "fix all" action: its edit is computed on codeAction/resolve. */
export interface FixAllData {
  fixAll: true;
  uri: string;
  version: number;
}

export function fixAllEdit(linted: LintedVersion, features: ClientFeatures): WorkspaceEdit | null {
  const fixed = fixAll(linted.target, linted.config);
  if (fixed === null) return null;
  return workspaceEdit(linted.document, [textEdit(linted.document, minimalEdit(linted.target.text, fixed))], features);
}

export function codeActions(linted: LintedVersion, range: Range, only: string[] | undefined, features: ClientFeatures): CodeAction[] {
  const { document } = linted;
  const actions: CodeAction[] = [];
  const fixable = linted.problems.some((p) => p.suggestions.length > 0);
  const makeFixAll = (kind: string): CodeAction => {
    const action: CodeAction = { title: FIX_ALL_TITLE, kind };
    if (features.resolveEdit) action.data = { fixAll: true, uri: document.uri, version: document.version } satisfies FixAllData;
    else {
      const edit = fixAllEdit(linted, features);
      if (edit) action.edit = edit;
    }
    return action;
  };

  // Source actions (codeActionsOnSave, "Fix all" from the command palette) concern the whole file.
  if (only && only.every((wanted) => wanted.startsWith(CodeActionKind.Source))) {
    if (fixable && kindMatches(FIX_ALL_KIND, only)) {
      const action = makeFixAll(FIX_ALL_KIND);
      if (action.edit || action.data) actions.push(action);
    }
    return actions;
  }
  if (!kindMatches(CodeActionKind.QuickFix, only)) return actions;

  const here = linted.problems.filter((p) => overlaps(p.range, range));
  for (const problem of here) {
    const diagnostic = toDiagnostic(problem, document.uri, features);
    problem.suggestions.forEach((suggestion, index) => {
      const edit = { range: suggestion.range, text: suggestion.text };
      if (!editParses(linted, [edit])) return;
      actions.push({
        title: suggestion.title.replace(/\.$/, ""),
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        isPreferred: index === 0,
        edit: workspaceEdit(document, [textEdit(document, edit)], features),
      });
    });
  }
  if (here.length > 0 && fixable) actions.push(makeFixAll(CodeActionKind.QuickFix));
  const seen = new Set<string>();
  for (const problem of here) {
    if (seen.has(problem.rule)) continue;
    seen.add(problem.rule);
    const diagnostic = toDiagnostic(problem, document.uri, features);
    const disable = disableEdit(document, problem);
    if (editParses(linted, [disable])) {
      actions.push({
        title: `Disable ${NAMESPACE}/${problem.rule} for this line`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        edit: workspaceEdit(document, [textEdit(document, disable)], features),
      });
    }
    if (problem.docUrl) {
      actions.push({
        title: `Show documentation for ${NAMESPACE}/${problem.rule}`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        command: { title: `Show documentation for ${NAMESPACE}/${problem.rule}`, command: SHOW_DOCUMENTATION_COMMAND, arguments: [problem.docUrl] },
      });
    }
  }
  return actions;
}
