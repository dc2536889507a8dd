#!/usr/bin/env node
/**
 * In-process breakdown of one re-lint of the latency benchmark's file (the
 * same 2,000 lines and the same keystroke as edit-latency.mjs), piece by
 * piece, so the server's "parse / analysis" split can be taken apart:
 *
 *   oxc        oxc's parseSync and the JSON deserialisation of its AST
 *   fastParse  the whole fast parser (oxc, loc, tokens, comments, scope analysis)
 *   tokens     TypeScript's scanner pass alone (tokens.ts)
 *   scope      typescript-eslint's scope manager alone
 *   sourceCode ESLint's SourceCode over a parsed file (token store, line index)
 *   traverse   ESLint's traversal steps with code path analysis (SourceCode.traverse)
 *   rules      Linter.verify on a SourceCode whose steps are already made:
 *              creating the rules, dispatching the steps, the com-async engine
 *   lint       the server's lint() end to end: a full lint
 *   partial    the server's incremental lint of a keystroke in a function in the
 *              middle of the file (incremental-lint.ts), after a full lint
 *   reused     the same for the keystroke on line 2 (a `declare`: nothing to re-lint)
 *
 *   node extension/bench/lint-breakdown.mjs [--runs 40] [--lines 2000]
 *
 * Medians in milliseconds. Run after `npm run build`.
 */
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";
import { source } from "./com-source.mjs";

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const server = (name) => require(path.join(root, "build/extension/server", name));
const { lint, defaultRuleConfig } = server("lint.js");
const { createTypeScriptParser } = server("fast-parser.js");
const { validateSettings } = server("settings.js");
const { IncrementalLinter } = server("incremental-lint.js");
const { Linter, SourceCode } = require("eslint");
const { analyze } = require("@typescript-eslint/scope-manager");
const plugin = require("eslint-plugin-com-async");

const arg = (name, fallback) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : fallback;
};
const RUNS = Number(arg("runs", 40));
const LINES = Number(arg("lines", 2000));

const base = source(LINES);
const lines = base.split("\n");
/** The benchmark's keystroke: `//` added to or removed from line 2. */
const textOf = (run) => (run % 2 === 0 ? [lines[0], `//${lines[1]}`, ...lines.slice(2)].join("\n") : base);
const bodyLine = lines.findIndex((l, i) => i >= lines.length / 2 && l === "  cancel.Cancel(0);");
const bodyEdit = [...lines.slice(0, bodyLine), `//${lines[bodyLine]}`, ...lines.slice(bodyLine + 1)].join("\n");
const filePath = path.join(root, "build/bench-untyped/breakdown.ts");
const config = defaultRuleConfig(validateSettings(undefined).settings);
const rules = Object.fromEntries([...config].map(([name, s]) => [`com-async/${name}`, s.severity === "off" ? "off" : ["error", ...s.options]]));
const linter = new Linter({ configType: "flat", cwd: path.parse(filePath).root });
const parserOptions = { filePath, sourceType: "module", ecmaVersion: "latest" };

const oxc = require("oxc-parser");
const samples = {};
const time = (name, fn) => {
  const started = performance.now();
  const value = fn();
  (samples[name] ??= []).push(performance.now() - started);
  return value;
};

const flatConfig = (parser) => [
  { files: ["**/*.ts"], languageOptions: { parser, sourceType: "module" }, linterOptions: { reportUnusedDisableDirectives: "off", reportUnusedInlineConfigs: "off" }, plugins: { "com-async": plugin }, rules },
];

let problems = 0;
for (let run = 0; run < RUNS; run++) {
  const text = textOf(run);
  time("oxc", () => oxc.parseSync(filePath, text, { lang: "ts", sourceType: "module", astType: "ts", range: true, preserveParens: false }).program);
  const parsed = time("fastParse", () => createTypeScriptParser(true).parseForESLint(text, parserOptions));
  // Tokens and scope again, alone, on a fresh parse (the fast parser's own pieces).
  const again = createTypeScriptParser(true).parseForESLint(text, parserOptions);
  time("scope", () => analyze(again.ast, { sourceType: "module" }));
  const tokens = server("tokens.js");
  time("tokens", () => {
    const hints = new tokens.TokenHints();
    return tokens.tokenize(text, hints, new tokens.LineIndex(text));
  });
  const sourceCode = time("sourceCode", () => new SourceCode({ text, ast: parsed.ast, parserServices: parsed.services, scopeManager: parsed.scopeManager, visitorKeys: parsed.visitorKeys }));
  time("traverse", () => sourceCode.traverse());
  time("rules", () => linter.verify(sourceCode, flatConfig(createTypeScriptParser(true)), filePath));
  const result = time("lint", () => lint({ text, filePath, fastParser: true }, config));
  problems = result.problems.length;
  const incremental = new IncrementalLinter();
  incremental.lint({ text: base, filePath, fastParser: true }, config);
  const partial = time("partial", () => incremental.lint({ text: bodyEdit, filePath, fastParser: true }, config));
  incremental.lint({ text: base, filePath, fastParser: true }, config);
  const reused = time("reused", () => incremental.lint({ text: textOf(0), filePath, fastParser: true }, config));
  if (partial.incremental.mode !== "partial" || reused.incremental.mode !== "reused") throw new Error(`unexpected: ${JSON.stringify([partial.incremental, reused.incremental])}`);
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const skip = Math.min(5, Math.floor(RUNS / 4));
console.log(`${lines.length - 1} lines, ${problems} problems, ${RUNS} runs (first ${skip} dropped); median ms`);
for (const [name, values] of Object.entries(samples)) console.log(`${name.padEnd(11)} ${median(values.slice(skip)).toFixed(1).padStart(7)}`);
