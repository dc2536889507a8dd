/**
 * What the robustness scripts (sweep.mjs, fuzz.mjs) share: linting a text
 * with every com-async rule, and telling a rule exception from a parse error.
 *
 * A rule exception is either an error thrown out of Linter#verify that comes
 * from a rule (ESLint tags it with `ruleId`; anything else is re-checked
 * without rules to clear the parser and ESLint), or a com-async message with
 * messageId `engineError`, which the plugin reports when its engine failed
 * internally and swallowed the error.
 */
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { Linter } from "eslint";
import tsParser from "@typescript-eslint/parser";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(import.meta.url);
export const plugin = require("eslint-plugin-com-async");
const { analysesOf } = require("eslint-plugin-com-async/engine");

// A universal pattern alone (`**/*`) matches no file in flat config: name the extensions.
const FILES = ["**/*.js", "**/*.mjs", "**/*.cjs", "**/*.jsx", "**/*.ts", "**/*.mts", "**/*.cts", "**/*.tsx"];
// espree is ESLint's default parser: no `parser` option selects it.
const PARSERS = { ts: tsParser, espree: undefined };

/**
 * A flat config with every com-async rule at "error" (configs.strict), for the
 * given parser ("ts" or "espree") and source type. Inline directives are off:
 * node_modules code names rules that are not loaded.
 */
export function strictConfig({ parser = "ts", sourceType = "module", jsx = false, rules = true } = {}) {
  return [
    { ignores: ["!**/node_modules/"] },
    {
      files: FILES,
      languageOptions: { ...(PARSERS[parser] ? { parser: PARSERS[parser] } : {}), sourceType, ecmaVersion: "latest", parserOptions: { ecmaFeatures: { jsx } } },
      linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: "off" },
      plugins: { "com-async": plugin },
      rules: rules ? plugin.configs.strict.rules : {},
    },
  ];
}

/** A linter that lints absolute paths anywhere (no `files` pattern misses them). */
export function createLinter() {
  return new Linter({ cwd: "/" });
}

/**
 * Lints `text` as `filename`. Returns { messages, parseError, exception,
 * engineErrors, crash }: `exception` is a rule's thrown error, `crash` one
 * that ESLint or the parser throws without our rules too.
 */
export function lintOnce(linter, text, filename, options) {
  const result = { messages: [], parseError: null, exception: null, engineErrors: [], crash: null };
  try {
    result.messages = linter.verify(text, strictConfig(options), filename);
  } catch (error) {
    if (isRulesError(linter, text, filename, options, error)) result.exception = error;
    else result.crash = error;
    return result;
  }
  // A script that lints nothing must not pass.
  const unmatched = result.messages.find((m) => m.ruleId === null && !m.fatal && m.message.startsWith("No matching configuration"));
  if (unmatched) throw new Error(unmatched.message);
  result.parseError = result.messages.find((m) => m.fatal) ?? null;
  result.engineErrors = result.messages.filter((m) => m.ruleId?.startsWith("com-async/") && m.messageId === "engineError");
  return result;
}

/** A thrown error is the rules' if ESLint says so, or if linting without rules does not throw. */
function isRulesError(linter, text, filename, options, error) {
  if (error?.ruleId) return true;
  try {
    linter.verify(text, strictConfig({ ...options, rules: false }), filename);
  } catch {
    return false;
  }
  return true;
}

/**
 * The parse attempts for a file, most likely first: typescript-eslint's parser
 * for TypeScript; for JavaScript the same parser (what a typed project lints
 * JS with), then espree as module and as CommonJS, then with JSX.
 */
export function parseAttempts(filename) {
  const ext = path.extname(filename);
  if ([".ts", ".mts", ".cts"].includes(ext)) return [{ parser: "ts", sourceType: "module" }];
  if (ext === ".tsx") return [{ parser: "ts", sourceType: "module", jsx: true }];
  const commonjs = ext === ".cjs";
  return [
    { parser: "ts", sourceType: commonjs ? "script" : "module" },
    { parser: "espree", sourceType: commonjs ? "commonjs" : "module" },
    { parser: "espree", sourceType: commonjs ? "module" : "commonjs" },
    { parser: "espree", sourceType: "module", jsx: true },
  ];
}

/**
 * Lints with the first parse attempt that parses; the result says which one
 * (`attempt`). `only` restricts the attempts to one parser.
 */
export function lintFile(linter, text, filename, only = null) {
  let last = null;
  for (const attempt of parseAttempts(filename).filter((a) => !only || a.parser === only)) {
    const result = lintOnce(linter, text, filename, attempt);
    if (!result.parseError) return { ...result, attempt };
    last = { ...result, attempt };
  }
  return last ?? { messages: [], parseError: null, exception: null, engineErrors: [], crash: null, attempt: null };
}

/**
 * The engine's work on the file the linter linted last (its counters: the
 * proof that a sweep exercised the engine rather than its fast path).
 */
export function engineWork(linter) {
  const work = { analysed: false, functions: 0 };
  const sourceCode = linter.getSourceCode();
  for (const analysis of sourceCode ? analysesOf(sourceCode) : []) {
    if (analysis.skipped) continue;
    work.analysed = true;
    work.functions += analysis.stats?.functions ?? 0;
  }
  return work;
}

/** One line for a rule exception: the error's first line and the top plugin frame. */
export function describeException(error) {
  const stack = String(error?.stack ?? error);
  const frame = stack.split("\n").find((line) => line.includes(`${path.sep}eslint-plugin${path.sep}dist${path.sep}`)) ?? "";
  return `${String(error?.message ?? error).split("\n")[0]}${frame ? ` ${frame.trim()}` : ""}`;
}

/** Inserts a comment naming `Begin_` after any hashbang, so that the engine's fast path never skips the file. */
export function withTriggerWord(text) {
  // A protocol call in a comment defeats the fast path (it looks for calls such as `x.Begin_Y(`).
  const marker = "/* com-async sweep: x.Begin_Sweep() */ ";
  if (!text.startsWith("#!")) return marker + text;
  const eol = text.indexOf("\n");
  return eol < 0 ? text : text.slice(0, eol + 1) + marker + text.slice(eol + 1);
}
