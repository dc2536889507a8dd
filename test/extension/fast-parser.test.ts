/**
 * The server's fast parser (oxc) against typescript-eslint's, and the
 * server's diagnostics against the ESLint CLI's, on the examples, generated
 * COM-heavy files and every invalid rule-test case:
 *   - the same AST (every property but oxc's extra `start`/`end`), tokens and comments;
 *   - the same problems, related locations and suggestions as the old path;
 *   - the same messages as `eslint` with typescript-eslint's parser.
 * And the fallbacks: what oxc cannot parse, or the fast path does not
 * reproduce (JSX), goes to typescript-eslint's parser with the same result.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { ESLint } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { caseSuites } from "../rules/cases";
import { ROOT } from "./lsp-client";
import { fastParserModule, generatedSources, lintModule, settingsModule } from "./server-modules";

const { createTypeScriptParser } = fastParserModule;
const { defaultRuleConfig, lint } = lintModule;
const STRICT = defaultRuleConfig({ ...settingsModule.DEFAULT_SETTINGS, ruleset: "strict" });
const PARSE_OPTIONS = { sourceType: "module" as const, range: true, loc: true, tokens: true, comment: true };

/** The first difference between two parsed values, as a path, or null. oxc's `start`/`end` and ESLint's `parent` are not compared. */
function firstDifference(a: unknown, b: unknown, at = "ast"): string | null {
  if (a === b) return null;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) {
    if (a instanceof RegExp || b instanceof RegExp || typeof a === "bigint") return String(a) === String(b) ? null : `${at}: ${String(a)} vs ${String(b)}`;
    return `${at}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
  }
  if (Array.isArray(a) !== Array.isArray(b)) return `${at}: array vs object`;
  if (a instanceof RegExp) return String(a) === String(b) ? null : `${at}: ${String(a)} vs ${String(b)}`;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const key of keys) {
    if (key === "parent" || ((key === "start" || key === "end") && !Array.isArray(a) && "type" in a)) continue;
    const difference = firstDifference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${at}.${key}`);
    if (difference) return difference;
  }
  return null;
}

interface Sample {
  name: string;
  code: string;
}

const CRLF_UNICODE = [
  "// Prüfung: ein Kommentar mit Umlauten und 😀, vor dem Problem",
  "declare const IID_ICancelMethodCalls: unknown;",
  "export function getPrice(call: any): void {",
  '  const label = "naïve 😀 — ok";',
  "  const cancel = call.QueryInterface(IID_ICancelMethodCalls);",
  "  call.Begin_GetPrice(`${label}😀`);",
  "  cancel.Cancel(0);",
  "  cancel.Release();",
  "}",
  "",
].join("\r\n");

/** Every other top-level function turned into spaces, line breaks kept (incremental-lint.ts), a regex after a long blank run, block comments between tokens. */
function blankEveryOtherFunction(code: string): string {
  let n = 0;
  const blanked = code.replace(/^export function [\s\S]*?^}$/gm, (fn) => (n++ % 2 === 0 ? fn.replace(/[^\n]/g, " ") : fn));
  const comments = "export const sum = 1/*a*/+/* b */2 / /*c*/ 3;\nexport const t = `${sum/*d*/}/*not a comment*/${ /*e*/ sum}`;/**/\n";
  return `${blanked}${" ".repeat(100)}\n\t  \r\n${" ".repeat(70)}export const re = /a b/g;\n${comments}/* ${"x ".repeat(100)} */\n`;
}

async function corpus(): Promise<Sample[]> {
  const { source, richSource } = await generatedSources();
  const examples = fs
    .readdirSync(path.join(ROOT, "examples"))
    .filter((f) => f.endsWith(".ts"))
    .map((f) => ({ name: `examples/${f}`, code: fs.readFileSync(path.join(ROOT, "examples", f), "utf8") }));
  const cases = caseSuites.flatMap((suite) => suite.cases.invalid.map((c, i) => ({ name: `${suite.rule} case ${i}`, code: c.code })));
  return [
    ...examples,
    { name: "generated (benchmark, 2,000 lines)", code: source(2000) },
    { name: "generated (every shape, 600 lines)", code: richSource(600) },
    { name: "CRLF and non-ASCII text", code: CRLF_UNICODE },
    { name: "long blank runs (what a partial re-lint leaves of a file)", code: blankEveryOtherFunction(source(300)) },
    ...cases,
  ];
}

describe("the server's fast TypeScript parser", function () {
  this.timeout(120_000);
  let samples: Sample[];
  let eslint: ESLint;

  before(async () => {
    samples = await corpus();
    // The CLI as the examples are linted: typescript-eslint's parser, every com-async rule.
    eslint = new ESLint({ cwd: ROOT, overrideConfigFile: path.join(ROOT, "examples/eslint.config.mjs") });
  });

  it("covers the examples, generated files and every invalid rule-test case", () => {
    assert.ok(samples.length > 60, `only ${samples.length} samples`);
  });

  it("gives typescript-eslint's AST, tokens and comments, on every sample", () => {
    let fast = 0;
    for (const { name, code } of samples) {
      const parser = createTypeScriptParser(true);
      const filePath = path.join(ROOT, "examples/sample.ts");
      const ours = (parser as unknown as { parseForESLint: typeof tsParser.parseForESLint }).parseForESLint(code, { ...PARSE_OPTIONS, filePath });
      if (parser.info?.parser === "oxc") fast++;
      const theirs = tsParser.parseForESLint(code, { ...PARSE_OPTIONS, filePath });
      const difference = firstDifference(theirs.ast, ours.ast);
      assert.equal(difference, null, `${name}: ${difference}`);
    }
    assert.equal(fast, samples.length, "every sample took the fast path");
  });

  it("leaves the tokens out when made so (tokens: false, as the server's lints make it: no com-async rule reads them), and nothing else", () => {
    const filePath = path.join(ROOT, "examples/sample.ts");
    const parse = (code: string, tokens: boolean) => (createTypeScriptParser(true, { tokens }) as unknown as { parseForESLint: typeof tsParser.parseForESLint }).parseForESLint(code, { ...PARSE_OPTIONS, filePath });
    for (const { name, code } of samples.slice(0, 10)) {
      const withTokens = parse(code, true);
      const without = parse(code, false);
      assert.ok((withTokens.ast.tokens ?? []).length > 0, `${name}: no tokens by default`);
      assert.deepEqual(without.ast.tokens, [], `${name}: tokens despite tokens: false`);
      assert.equal(firstDifference({ ...withTokens.ast, tokens: [] }, without.ast), null, name);
    }
  });

  it("finds the same problems, related locations and suggestions as the old path", () => {
    for (const { name, code } of samples) {
      const target = { text: code, filePath: path.join(ROOT, "examples/sample.ts") };
      const fast = lint({ ...target, fastParser: true }, STRICT);
      const old = lint({ ...target, fastParser: false }, STRICT);
      assert.equal(fast.parse?.parser, "oxc", name);
      assert.equal(old.parse?.parser, "typescript-eslint", name);
      assert.deepEqual(fast.problems, old.problems, name);
    }
  });

  it("finds what the ESLint CLI finds, message for message", async () => {
    let reported = 0;
    for (const { name, code } of samples) {
      const filePath = path.join(ROOT, "examples/sample.ts");
      const [cli] = await eslint.lintText(code, { filePath });
      const expected = cli.messages.map((m) => ({
        rule: m.ruleId!.replace("com-async/", ""),
        message: m.message,
        start: [m.line, m.column],
        end: [m.endLine, m.endColumn],
        suggestions: (m.suggestions ?? []).map((s) => [s.desc, s.fix.range, s.fix.text]),
      }));
      const ours = lint({ text: code, filePath, fastParser: true }, STRICT).problems.map((p) => ({
        rule: p.rule,
        message: p.message,
        start: [p.range.start.line + 1, p.range.start.character + 1],
        end: [p.range.end.line + 1, p.range.end.character + 1],
        suggestions: p.suggestions.map((s) => [s.title, s.range, s.text]),
      }));
      assert.deepEqual(ours, expected, name);
      reported += ours.length;
    }
    assert.ok(reported > 150, `only ${reported} problems compared`);
  });

  it("falls back to typescript-eslint's parser, with its message, on a file oxc cannot parse", () => {
    const target = { text: "export function f(call: any) {\n  call.Begin_X(;\n}\n", filePath: "/virtual/broken.ts" };
    const fast = lint({ ...target, fastParser: true }, STRICT);
    const old = lint({ ...target, fastParser: false }, STRICT);
    assert.equal(fast.parse?.parser, "typescript-eslint");
    assert.match(fast.parse?.fallback ?? "", /^oxc: /);
    assert.ok(fast.parseError, "a parse error");
    assert.deepEqual(fast.parseError, old.parseError, "the CLI's message and position");
  });

  it("falls back on JSX (its tokens are not reproduced) and still finds the problem", () => {
    const code = "export function View(call: any) {\n  call.Begin_GetPrice('A');\n  call.Begin_GetPrice('B');\n  return <div title={`x`}>{call.Finish_GetPrice()}</div>;\n}\n";
    const fast = lint({ text: code, filePath: "/virtual/view.tsx", fastParser: true }, STRICT);
    assert.equal(fast.parse?.parser, "typescript-eslint");
    assert.equal(fast.parse?.fallback, "unsupported: JSX");
    assert.deepEqual(
      fast.problems.map((p) => p.rule),
      ["begin-while-pending"],
    );
  });

  it("is off with fastParser: false, and for JavaScript (espree, as the CLI)", () => {
    const code = "export function f(call) {\n  call.Begin_X();\n  call.Begin_X();\n  call.Finish_X();\n}\n";
    assert.equal(lint({ text: code, filePath: "/virtual/a.ts", fastParser: false }, STRICT).parse?.fallback, null);
    const js = lint({ text: code, filePath: "/virtual/a.js", fastParser: true }, STRICT);
    assert.equal(js.parse, null, "espree: no TypeScript parse");
    assert.deepEqual(
      js.problems.map((p) => p.rule),
      ["begin-while-pending"],
    );
  });
});
