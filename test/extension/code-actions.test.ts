/**
 * The server's code actions (extension/src/server/code-actions.ts), called
 * directly on one linted document version: quick fixes per suggestion,
 * disable comments, documentation, fix-all (eager or resolved), kind filters,
 * and every edit tied to the version it was computed for.
 */
import * as assert from "node:assert/strict";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { CodeAction, Range, TextDocumentEdit, TextEdit, WorkspaceEdit } from "vscode-languageserver/node";
import type { LintedVersion } from "../../extension/src/server/code-actions";
import type { Problem } from "../../extension/src/server/lint";
import { codeActionsModule, lintModule, settingsModule } from "./server-modules";

const { codeActions, disableEdit, FIX_ALL_TITLE, fixAllEdit, toDiagnostic } = codeActionsModule;
const { defaultRuleConfig, lint } = lintModule;
const CONFIG = defaultRuleConfig(settingsModule.DEFAULT_SETTINGS);
const URI = "file:///virtual/quote.ts";
const VERSIONED = { documentChanges: true, relatedInformation: true, resolveEdit: false };

const CANCEL = [
  "export function getPrice(call: any): void {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  '  call.Begin_GetPrice("MSFT");',
  "  cancel.Cancel(0);",
  "  cancel.Release();",
  "}",
  "",
].join("\n");

function linted(text: string, version = 7): LintedVersion {
  const target = { text, filePath: "/virtual/quote.ts" };
  return { document: TextDocument.create(URI, "typescript", version, text), target, config: CONFIG, problems: lint(target, CONFIG).problems, parseMemo: new Map() };
}

const at = (line: number, character: number): Range => ({ start: { line, character }, end: { line, character } });

/** The edits of a workspace edit for URI, checking which version they are for (null: unversioned). */
function editsOf(edit: WorkspaceEdit | undefined): { version: number | null; edits: TextEdit[] } {
  assert.ok(edit, "an edit");
  if (edit.documentChanges) {
    const [change] = edit.documentChanges as TextDocumentEdit[];
    assert.equal(change.textDocument.uri, URI);
    return { version: change.textDocument.version, edits: change.edits as TextEdit[] };
  }
  return { version: null, edits: edit.changes![URI] };
}

function apply(version: LintedVersion, action: CodeAction): string {
  return TextDocument.applyEdits(version.document, editsOf(action.edit).edits);
}

describe("server code actions", () => {
  it("offer each suggestion as a quick fix, the first preferred, for the version linted", () => {
    const version = linted(CANCEL);
    const actions = codeActions(version, at(3, 4), undefined, VERSIONED);
    const fix = actions[0];
    assert.equal(fix.kind, "quickfix");
    assert.equal(fix.isPreferred, true);
    assert.match(fix.title, /Finish_GetPrice/);
    assert.equal(fix.diagnostics?.[0].code, "com-async/cancel-without-finish");
    assert.equal(editsOf(fix.edit).version, 7);
    const fixed = apply(version, fix);
    assert.deepEqual(lint({ text: fixed, filePath: "/virtual/quote.ts" }, CONFIG).problems, []);
  });

  it("send unversioned changes to a client without documentChanges", () => {
    const actions = codeActions(linted(CANCEL), at(3, 4), undefined, { ...VERSIONED, documentChanges: false });
    assert.equal(editsOf(actions[0].edit).version, null);
  });

  it("offer nothing away from every problem", () => {
    assert.deepEqual(codeActions(linted(CANCEL), at(0, 0), undefined, VERSIONED), []);
  });

  it("disable the rule for the line with an indented comment that ESLint honours", () => {
    const version = linted(CANCEL);
    const disable = codeActions(version, at(3, 4), undefined, VERSIONED).find((a) => a.title === "Disable com-async/cancel-without-finish for this line");
    assert.ok(disable);
    const edited = apply(version, disable);
    assert.match(edited, /\n {2}\/\/ eslint-disable-next-line com-async\/cancel-without-finish\n {2}cancel\.Cancel\(0\);/);
    assert.deepEqual(lint({ text: edited, filePath: "/virtual/quote.ts" }, CONFIG).problems, []);
  });

  it("add the rule to an existing disable comment, and keep its description", () => {
    const text = CANCEL.replace("  cancel.Cancel(0);", "  // eslint-disable-next-line no-console -- reason\n  cancel.Cancel(0);");
    const version = linted(text);
    const [problem] = version.problems;
    const edit = disableEdit(version.document, problem);
    const edited = text.slice(0, edit.range[0]) + edit.text + text.slice(edit.range[1]);
    assert.match(edited, /\/\/ eslint-disable-next-line no-console, com-async\/cancel-without-finish -- reason\n/);
  });

  it("write the disable comment with the file's line ending, also on the first line", () => {
    const problem = { rule: "missing-release", range: at(0, 0) } as Problem;
    const edit = disableEdit(TextDocument.create(URI, "typescript", 1, "const x = 1;\r\nlet y;\r\n"), problem);
    assert.deepEqual(edit, { range: [0, 0], text: "// eslint-disable-next-line com-async/missing-release\r\n" });
  });

  it("link the rule's documentation through the server command", () => {
    const show = codeActions(linted(CANCEL), at(3, 4), undefined, VERSIONED).find((a) => a.command);
    assert.equal(show?.title, "Show documentation for com-async/cancel-without-finish");
    assert.equal(show?.command?.command, "comAsync.showDocumentation");
    assert.match(String(show?.command?.arguments?.[0]), /cancel-without-finish\.md$/);
  });

  it("do not offer an edit that would leave code that does not parse", () => {
    const version = linted(CANCEL);
    const broken: Problem = { ...version.problems[0], suggestions: [{ title: "Break it", range: [0, 0], text: "(" }] };
    const actions = codeActions({ ...version, problems: [broken] }, at(3, 4), undefined, VERSIONED);
    assert.equal(actions.find((a) => a.title === "Break it"), undefined);
    assert.ok(actions.some((a) => a.title.startsWith("Disable")), "the other actions remain");
  });

  it("fix all as a quick fix, computed at once for a client without resolve support", () => {
    const text = CANCEL + CANCEL.replace("getPrice", "getPrice2");
    const version = linted(text);
    const fixAll = codeActions(version, at(3, 4), undefined, VERSIONED).find((a) => a.title === FIX_ALL_TITLE);
    assert.ok(fixAll?.edit);
    assert.equal(editsOf(fixAll.edit).version, 7);
    assert.equal(editsOf(fixAll.edit).edits.length, 1, "one minimal edit");
    assert.deepEqual(lint({ text: apply(version, fixAll), filePath: "/virtual/quote.ts" }, CONFIG).problems, []);
  });

  it("defer the fix-all edit to codeAction/resolve, naming the document version, when the client resolves", () => {
    const version = linted(CANCEL);
    const [source] = codeActions(version, at(0, 0), ["source.fixAll"], { ...VERSIONED, resolveEdit: true });
    assert.equal(source.kind, "source.fixAll.comAsync");
    assert.equal(source.edit, undefined);
    assert.deepEqual(source.data, { fixAll: true, uri: URI, version: 7 });
    assert.ok(fixAllEdit(version, VERSIONED), "the resolve step computes it");
  });

  it("answer only the kinds asked for", () => {
    const version = linted(CANCEL);
    assert.deepEqual(codeActions(version, at(3, 4), ["source.organizeImports"], VERSIONED), []);
    assert.deepEqual(
      codeActions(version, at(3, 4), ["source"], VERSIONED).map((a) => a.kind),
      ["source.fixAll.comAsync"],
    );
    assert.ok(codeActions(version, at(3, 4), ["quickfix"], VERSIONED).every((a) => a.kind === "quickfix"));
  });

  it("offer no fix-all when nothing is fixable", () => {
    const version = linted("export function f(call: any) {\n  call.Begin_GetPrice(\"A\");\n  call.Finish_GetQuote();\n}\n");
    assert.deepEqual(version.problems.map((p) => [p.rule, p.suggestions.length]), [["mismatched-finish", 0]]);
    assert.deepEqual(codeActions(version, at(0, 0), ["source.fixAll.comAsync"], VERSIONED), []);
    assert.equal(fixAllEdit(version, VERSIONED), null);
  });

  it("turn a problem into a diagnostic with code, link, severity, and related information if the client takes it", () => {
    const [problem] = linted(CANCEL).problems;
    const diagnostic = toDiagnostic({ ...problem, severity: "hint" }, URI, VERSIONED);
    assert.equal(diagnostic.severity, 4);
    assert.equal(diagnostic.source, "com-async");
    assert.equal(diagnostic.code, "com-async/cancel-without-finish");
    assert.match(diagnostic.codeDescription?.href ?? "", /cancel-without-finish\.md$/);
    assert.match(diagnostic.relatedInformation?.[0].message ?? "", /^[A-Z]/, "capitalised label");
    assert.equal(toDiagnostic(problem, URI, { ...VERSIONED, relatedInformation: false }).relatedInformation, undefined);
  });
});
