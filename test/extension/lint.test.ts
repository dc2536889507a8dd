/**
 * The server's lint module (extension/src/server/lint.ts), called directly:
 * problems with positions, related locations and suggestions; rule
 * configuration; parse errors; scripts; typed lints that fall back; edits.
 */
import * as assert from "node:assert/strict";
import { lintModule, settingsModule } from "./server-modules";

const { applyEdits, applyOverrides, defaultRuleConfig, fixAll, lint, lintPathFor, minimalEdit, parses } = lintModule;
const { DEFAULT_SETTINGS } = settingsModule;
const RECOMMENDED = defaultRuleConfig(DEFAULT_SETTINGS);

const LEAK = [
  "export function leak(call: any, early: boolean): number {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  if (early) {",
  "    return 1;",
  "  }",
  "  cancel.Release();",
  "  return 0;",
  "}",
  "",
].join("\n");

const CANCEL = [
  "export function getPrice(call: any): void {",
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  '  call.Begin_GetPrice("MSFT");',
  "  cancel.Cancel(0);",
  "  cancel.Release();",
  "}",
  "",
].join("\n");

const ts = (text: string) => ({ text, filePath: "/virtual/file.ts" });

describe("server lint", () => {
  it("reports a problem with its rule, severity, message, range, offsets and documentation", () => {
    const { problems, parseError } = lint(ts(LEAK), RECOMMENDED);
    assert.equal(parseError, null);
    assert.equal(problems.length, 1);
    const [p] = problems;
    assert.equal(p.rule, "missing-release");
    assert.equal(p.severity, "error");
    assert.match(p.message, /`cancel` from `QueryInterface` is not released/);
    assert.deepEqual(p.range, { start: { line: 1, character: 17 }, end: { line: 1, character: 60 } });
    assert.equal(LEAK.slice(p.offsets[0], p.offsets[1]), "call.QueryInterface(IID_ICancelMethodCalls)");
    assert.match(p.docUrl ?? "", /docs\/rules\/missing-release\.md$/);
  });

  it("gives the engine's second location as related information", () => {
    const [p] = lint(ts(LEAK), RECOMMENDED).problems;
    assert.ok(p.related);
    assert.equal(p.related.range.start.line, 3, "the early return");
    assert.match(p.related.label, /^the return/);
  });

  it("returns suggestions as offsets into the linted text", () => {
    const [p] = lint(ts(CANCEL), RECOMMENDED).problems;
    assert.equal(p.rule, "cancel-without-finish");
    assert.ok(p.suggestions.length >= 1);
    const fixed = applyEdits(CANCEL, [p.suggestions[0]]);
    assert.match(fixed, /call\.Finish_GetPrice\(\);/);
    assert.deepEqual(lint(ts(fixed), RECOMMENDED).problems, []);
  });

  it("uses the configured severity, and runs no rule that is off", () => {
    const config = applyOverrides(RECOMMENDED, { ...DEFAULT_SETTINGS, rules: { "missing-release": "hint", "cancel-without-finish": "off" } });
    assert.equal(lint(ts(LEAK), config).problems[0].severity, "hint");
    assert.deepEqual(lint(ts(CANCEL), config).problems, []);
  });

  it("builds the rule sets: recommended leaves out unchecked-cancel-result, strict does not; naming goes to every rule", () => {
    assert.equal(RECOMMENDED.get("unchecked-cancel-result")?.severity, "off");
    assert.equal(RECOMMENDED.get("missing-release")?.severity, "error");
    const strict = defaultRuleConfig({ ...DEFAULT_SETTINGS, ruleset: "strict", naming: { beginPrefix: "Start_" } });
    assert.equal(strict.get("unchecked-cancel-result")?.severity, "error");
    for (const [, setting] of strict) assert.deepEqual(setting.options, [{ beginPrefix: "Start_" }]);
    assert.deepEqual(RECOMMENDED.get("missing-release")?.options, [], "no options without naming settings");
  });

  it("reads tokens when an inline comment turns on rules of ESLint's own (they read tokens; com-async's do not)", () => {
    const result = lint(ts(`/* eslint curly: "error", dot-notation: "error" */\n${LEAK}if (LEAK) LEAK["x"];\n`), RECOMMENDED);
    assert.equal(result.parseError, null);
    assert.ok(result.problems.some((p) => p.rule === "missing-release"), JSON.stringify(result.problems.map((p) => p.rule)));
  });

  it("gives the rules their options though the server's Linter does not check them again (they arrive checked)", () => {
    const freed = LEAK.replace("cancel.Release();", "cancel.Free();").replace("    return 1;", "    cancel.Free();\n    return 1;");
    assert.equal(lint(ts(freed), RECOMMENDED).problems.length, 1, "Free is no release by default");
    const naming = defaultRuleConfig({ ...DEFAULT_SETTINGS, naming: { releaseMethods: ["Free"] } });
    assert.deepEqual(lint(ts(freed), naming).problems, [], "releaseMethods reaches the rule");
    const strict = defaultRuleConfig({ ...DEFAULT_SETTINGS, ruleset: "strict" });
    assert.deepEqual(lint(ts(LEAK), strict).problems.map((p) => p.rule), lint(ts(LEAK), RECOMMENDED).problems.map((p) => p.rule));
  });

  it("lets the settings' severities win over a workspace config while keeping its options", () => {
    const workspace = new Map([["missing-release", { severity: "warn" as const, options: [{ releaseMethods: ["Free"] }] }]]);
    const config = applyOverrides(workspace, { ...DEFAULT_SETTINGS, rules: { "missing-release": "error" } });
    assert.deepEqual(config.get("missing-release"), { severity: "error", options: [{ releaseMethods: ["Free"] }] });
    assert.equal(workspace.get("missing-release")?.severity, "warn", "the input is not changed");
  });

  it("reports a parse error with its position and no problems", () => {
    const result = lint(ts(CANCEL.replace("cancel.Cancel(0);", "cancel.Cancel(0;")), RECOMMENDED);
    assert.deepEqual(result.problems, []);
    assert.ok(result.parseError);
    assert.equal(result.parseError.line, 4);
    assert.match(result.parseError.message, /expected/i);
  });

  it("lints JavaScript that only parses as a script (`with`), as a script", () => {
    const code = "function twice(call, o) {\n  with (o) {}\n  call.Begin_GetPrice('A');\n  call.Begin_GetPrice('B');\n  call.Finish_GetPrice();\n}\n";
    const result = lint({ text: code, filePath: "/virtual/old.js" }, RECOMMENDED);
    assert.equal(result.parseError, null);
    assert.deepEqual(
      result.problems.map((p) => p.rule),
      ["begin-while-pending"],
    );
  });

  it("falls back to an untyped lint, saying why, when the typed one cannot run", () => {
    const result = lint({ ...ts(LEAK), typed: { project: "./no-such-tsconfig.json", tsconfigRootDir: "/virtual" } }, RECOMMENDED);
    assert.equal(result.typed, false);
    assert.match(result.typedFallback ?? "", /no-such-tsconfig\.json|project/i);
    assert.deepEqual(
      result.problems.map((p) => p.rule),
      ["missing-release"],
    );
  });

  it("reports a syntax error in a typed lint as a parse error, not as a typing problem", () => {
    const result = lint({ ...ts("export const x = ;\n"), typed: { project: "./no-such-tsconfig.json", tsconfigRootDir: "/virtual" } }, RECOMMENDED);
    assert.ok(result.parseError);
    assert.equal(result.typedFallback, null);
  });

  it("names what it lints: the file's own path, or one from the language for unsaved documents", () => {
    assert.equal(lintPathFor("file:///w/a.ts", "typescript", "/w/a.ts"), "/w/a.ts");
    assert.equal(lintPathFor("file:///w/a.vue", "typescript", "/w/a.vue"), "/w/a.vue.ts");
    assert.match(lintPathFor("untitled:Untitled-1", "javascriptreact", null), /^\/untitled\/untitled_3AUntitled-1\.jsx$/);
    assert.match(lintPathFor("untitled:x", "plaintext", null), /\.ts$/);
  });

  it("tells code that parses from code that does not", () => {
    assert.equal(parses(ts(LEAK)), true);
    assert.equal(parses(ts("function (")), false);
    assert.equal(parses({ text: "let x = <div/>;", filePath: "/virtual/a.jsx" }), true);
  });

  it("applies edits given in any order, each at its original offsets", () => {
    assert.equal(applyEdits("abcdef", [{ range: [1, 2], text: "B" }, { range: [4, 6], text: "" }, { range: [0, 0], text: ">" }]), ">aBcd");
  });

  it("finds the smallest single edit between two texts", () => {
    assert.deepEqual(minimalEdit("let a = 1;\nlet b = 2;\n", "let a = 1;\nlet c = 3;\nlet b = 2;\n"), { range: [15, 15], text: "c = 3;\nlet " });
    assert.deepEqual(minimalEdit("same", "same"), { range: [4, 4], text: "" });
  });

  it("fixes all problems it can, re-linting between passes, and says when there is nothing to fix", () => {
    const text = `${CANCEL}\n${LEAK}`;
    const fixed = fixAll(ts(text), RECOMMENDED);
    assert.ok(fixed);
    assert.equal(parses(ts(fixed)), true);
    assert.deepEqual(lint(ts(fixed), RECOMMENDED).problems, []);
    assert.equal(fixAll(ts(fixed), RECOMMENDED), null);
  });
});
