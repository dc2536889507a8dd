/**
 * Linting one document with the bundled plugin through ESLint's `Linter`, and
 * turning the result into problems the editor can show and repair.
 *
 * ESLint's lint messages carry one location. The second one (the pending
 * Begin_, the exit reached without Release, the Release before a use) comes
 * from the plugin's engine: after `verify`, `analysesOf(sourceCode)` holds the
 * violations of the same run, and each message is matched to its violation by
 * rule and reported range. Nothing is analysed twice.
 *
 * How a file parses is part of what is linted (`LintTarget`): untyped
 * TypeScript goes through the fast parser (oxc, see fast-parser.ts), typed
 * TypeScript through typescript-eslint's parser with the workspace's project
 * options, JavaScript through espree, as the CLI would.
 */
import * as path from "node:path";
import { Linter } from "eslint";
import { createTypeScriptParser, ParseInfo } from "./fast-parser";
import plugin from "eslint-plugin-com-async";
import { presentFinding } from "eslint-plugin-com-async";
import type { RelatedLocation } from "eslint-plugin-com-async";
import { analysesOf } from "eslint-plugin-com-async/engine";
import type { Finding } from "eslint-plugin-com-async/engine";
import { TextDocument } from "vscode-languageserver-textdocument";
import type { Range } from "vscode-languageserver";
import type { Severity, Settings } from "./settings";
import { RULE_NAMES } from "./settings";

export const NAMESPACE = "com-async";

/**
 * The plugin as the server's Linter runs it. The options its rules get arrive checked (settings.ts runs ESLint's
 * validator on the naming settings, and ESLint checked a workspace config when it loaded it), so here the rules
 * carry no schema: the Linter does not compile their schemas again, which in a fresh server is Ajv with its
 * meta-schema, 20-40 ms of the first lint (BENCHMARKS.md). Their defaults come from `meta.defaultOptions`.
 */
const SERVER_PLUGIN = {
  ...plugin,
  rules: Object.fromEntries(Object.entries(plugin.rules).map(([name, rule]) => [name, { ...rule, meta: { ...rule.meta, schema: false } }])),
};

/** One rule's effective configuration. */
export interface RuleSetting {
  severity: Severity;
  /** ESLint rule options (the first is the naming options object). */
  options: unknown[];
}

export type RuleConfig = Map<string, RuleSetting>;

export interface Suggestion {
  title: string;
  /** Offsets into the linted text. */
  range: [number, number];
  text: string;
}

export interface Problem {
  rule: string;
  severity: Exclude<Severity, "off">;
  message: string;
  range: Range;
  offsets: [number, number];
  related: { range: Range; offsets: [number, number]; label: string } | null;
  suggestions: Suggestion[];
  docUrl: string | undefined;
}

export interface LintResult {
  problems: Problem[];
  /** The file does not parse: no problems are reported for it. */
  parseError: { message: string; line: number; column: number } | null;
  durationMs: number;
  /** How the TypeScript parse went (null for JavaScript): parser, milliseconds, fallback reason. */
  parse: ParseInfo | null;
  /** Linted with type information. */
  typed: boolean;
  /** Why a typed lint was asked for but the file was linted without types (outside every project, say). */
  typedFallback: string | null;
}

/**
 * typescript-eslint's project options from a workspace ESLint config (plain
 * JSON only): with them the rules see types, as they do in CI.
 */
export interface TypedParserOptions {
  projectService?: unknown;
  project?: unknown;
  tsconfigRootDir: string;
}

/** What is linted: the text, a file name whose extension picks the parser, and how to parse it. */
export interface LintTarget {
  text: string;
  /** Absolute path (or a virtual one with the right extension). */
  filePath: string;
  /** Parse untyped TypeScript with oxc where it can (default true). */
  fastParser?: boolean;
  /** Lint with type information (TypeScript and JavaScript files alike, as the workspace config says). */
  typed?: TypedParserOptions | null;
}

const TS_EXTENSIONS = new Set([".ts", ".tsx", ".mts", ".cts"]);
export const LINTABLE_EXTENSIONS = [".ts", ".tsx", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"];
const FILES = ["**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"];

/** The file name to lint a document as: its path, or for unsaved documents a name from its language. */
export function lintPathFor(uri: string, languageId: string, fsPath: string | null): string {
  if (fsPath && LINTABLE_EXTENSIONS.includes(path.extname(fsPath).toLowerCase())) return fsPath;
  const extension = { typescript: ".ts", typescriptreact: ".tsx", javascript: ".js", javascriptreact: ".jsx" }[languageId] ?? ".ts";
  const base = fsPath ?? path.join(path.sep, "untitled", encodeURIComponent(uri).replace(/%/g, "_"));
  return base + extension;
}

/** The zero-configuration rules: the chosen rule set, the naming settings, then the per-rule overrides. */
export function defaultRuleConfig(settings: Settings): RuleConfig {
  const base = settings.ruleset === "strict" ? plugin.configs.strict.rules : plugin.configs.recommended.rules;
  const config: RuleConfig = new Map();
  for (const name of RULE_NAMES) {
    const enabled = base?.[`${NAMESPACE}/${name}`] !== undefined && base[`${NAMESPACE}/${name}`] !== "off";
    config.set(name, { severity: enabled ? "error" : "off", options: Object.keys(settings.naming).length > 0 ? [settings.naming] : [] });
  }
  return applyOverrides(config, settings);
}

/** Severity overrides from the settings win over any configuration. */
export function applyOverrides(config: RuleConfig, settings: Settings): RuleConfig {
  const out: RuleConfig = new Map(config);
  for (const [name, severity] of Object.entries(settings.rules)) {
    if (!severity) continue;
    const current = out.get(name);
    out.set(name, { severity, options: current?.options ?? (Object.keys(settings.naming).length > 0 ? [settings.naming] : []) });
  }
  return out;
}

function eslintRules(config: RuleConfig): Linter.RulesRecord {
  const rules: Linter.RulesRecord = {};
  for (const [name, setting] of config) {
    const level = setting.severity === "off" ? "off" : setting.severity === "error" ? "error" : "warn";
    rules[`${NAMESPACE}/${name}`] = level === "off" ? "off" : ([level, ...setting.options] as Linter.RuleEntry);
  }
  return rules;
}

type SourceType = "module" | "script" | "commonjs";
type Parsing = { kind: "typed"; options: TypedParserOptions } | { kind: "untyped"; fast: boolean };

function isTypeScript(filePath: string): boolean {
  return TS_EXTENSIONS.has(path.extname(filePath).toLowerCase());
}

/** The language options for one parse, and the parser object whose `info` says how it went. */
function languageOptionsFor(filePath: string, sourceType: SourceType, parsing: Parsing, readsTokens: boolean): { options: Linter.LanguageOptions; parser: ReturnType<typeof createTypeScriptParser> | null } {
  const tsSourceType = sourceType === "commonjs" ? "script" : sourceType;
  if (parsing.kind === "typed") {
    const { tsconfigRootDir, project, projectService } = parsing.options;
    const parserOptions = { tsconfigRootDir, ...(projectService !== undefined ? { projectService } : { project }) };
    // typescript-eslint's own parser (the wrapper only times it): the project service keeps the program between edits.
    const parser = createTypeScriptParser(false);
    return { options: { parser, sourceType: tsSourceType, parserOptions }, parser };
  }
  if (isTypeScript(filePath)) {
    // No com-async rule reads tokens: with only those rules on, the fast parser leaves them out (fast-parser.ts).
    const parser = createTypeScriptParser(parsing.fast, { tokens: readsTokens });
    return { options: { parser, sourceType: tsSourceType }, parser };
  }
  return { options: { ecmaVersion: "latest", sourceType, parserOptions: { ecmaFeatures: { jsx: true } } }, parser: null };
}

/** An inline configuration comment that may turn rules on (`/* eslint curly: "error" *\/`). */
const INLINE_RULES = /\/\*\s*eslint\s/;

function sourceTypeFor(filePath: string): "module" | "commonjs" {
  return path.extname(filePath).toLowerCase() === ".cjs" ? "commonjs" : "module";
}

/** A Linter per file system root (flat config matches files below `cwd`). */
const linters = new Map<string, Linter>();
function linterFor(filePath: string): Linter {
  const root = path.parse(filePath).root || path.sep;
  let linter = linters.get(root);
  if (!linter) linters.set(root, (linter = new Linter({ configType: "flat", cwd: root })));
  return linter;
}

/** A finding of the engine with the related location its rule gives it. */
interface Violation {
  kind: Finding["kind"];
  node: Finding["node"];
  related: RelatedLocation | null;
}

interface RawLint {
  messages: Linter.LintMessage[];
  violations: Violation[];
  indexFromLoc: (line: number, column: number) => number;
  parse: ParseInfo | null;
  file: LintedFile | null;
}

/** A call whose text repairs anywhere in the file reuse: the first release call (`release`), the first call of a Finish_ method (its name). */
export interface FactSite {
  fact: string;
  range: [number, number];
}

/** What a lint saw of the file besides its problems: for the incremental lint (incremental-lint.ts). */
export interface LintedFile {
  /** The program's top-level statements and its comments, as the parser gave them. */
  statements: { type: string; range: [number, number]; [key: string]: unknown }[];
  comments: { type: string; value: string; range: [number, number] }[];
  /** The calls whose text repairs anywhere in the file reuse (FileAnalysis.fileFactSites), by fact, with their ranges. */
  factSites: FactSite[];
}

function verify(target: LintTarget, rules: Linter.RulesRecord, parsing: Parsing): RawLint {
  const linter = linterFor(target.filePath);
  // The server runs com-async's rules only (eslintRules), none of which reads tokens; but a comment
  // `/* eslint curly: "error" */` turns on rules of ESLint's own, which do.
  const readsTokens = INLINE_RULES.test(target.text);
  let parse: ParseInfo | null = null;
  const run = (sourceType: SourceType) => {
    const { options, parser } = languageOptionsFor(target.filePath, sourceType, parsing, readsTokens);
    const messages = linter.verify(
      target.text,
      [
        {
          files: FILES,
          languageOptions: options,
          linterOptions: { reportUnusedDisableDirectives: "off", reportUnusedInlineConfigs: "off" },
          plugins: { [NAMESPACE]: SERVER_PLUGIN as never },
          rules,
        },
      ],
      target.filePath,
    );
    parse = parser?.info ?? null;
    return messages;
  };
  let messages = run(sourceTypeFor(target.filePath));
  // Plain scripts (`with`, octal literals) do not parse as modules: try once as a script.
  if (messages.some((m) => m.fatal) && !isTypeScript(target.filePath) && parsing.kind === "untyped") {
    const asScript = run("script");
    if (!asScript.some((m) => m.fatal)) messages = asScript;
  }
  const sourceCode = linter.getSourceCode();
  const parsed = sourceCode && !messages.some((m) => m.fatal);
  const analyses = parsed ? analysesOf(sourceCode) : [];
  const violations = analyses.flatMap((a) => a.allFindings().map((f) => ({ kind: f.kind, node: f.node, related: presentFinding(f, a.vocabulary)?.related ?? null })));
  const file: LintedFile | null = parsed
    ? {
        statements: sourceCode.ast.body as unknown as LintedFile["statements"],
        comments: sourceCode.getAllComments() as unknown as LintedFile["comments"],
        factSites: analyses.flatMap((a, i) => a.fileFactSites.map((site) => ({ fact: `${i}:${site.fact}`, range: [site.node.range[0], site.node.range[1]] as [number, number] }))),
      }
    : null;
  return {
    messages,
    violations,
    indexFromLoc: (line, column) => (sourceCode ? sourceCode.getIndexFromLoc({ line, column }) : 0),
    parse,
    file,
  };
}

/**
 * The typed lint when asked for and possible, else the untyped one: a file
 * outside every project (or a project that fails to load) is still checked,
 * by names, and the reason is returned.
 */
function verifyAsAsked(target: LintTarget, rules: Linter.RulesRecord): { raw: RawLint; typed: boolean; typedFallback: string | null } {
  const untyped: Parsing = { kind: "untyped", fast: target.fastParser !== false };
  if (!target.typed) return { raw: verify(target, rules, untyped), typed: false, typedFallback: null };
  const typed = verify(target, rules, { kind: "typed", options: target.typed });
  const fatal = typed.messages.find((m) => m.fatal);
  if (!fatal) return { raw: typed, typed: true, typedFallback: null };
  const raw = verify(target, rules, untyped);
  // A syntax error fails both ways: it is a parse error, not a typing problem.
  const syntaxError = raw.messages.some((m) => m.fatal);
  return { raw, typed: false, typedFallback: syntaxError ? null : fatal.message };
}

const locKey = (rule: string, line: number, column: number, endLine: number, endColumn: number) => `${rule}:${line}:${column}:${endLine}:${endColumn}`;

/** Lints one text with the given rules. Never throws for bad input: parse errors come back as `parseError`. */
export function lint(target: LintTarget, config: RuleConfig): LintResult {
  return lintWithFile(target, config).result;
}

/** `lint`, and what it saw of the file (null when it did not parse). */
export function lintWithFile(target: LintTarget, config: RuleConfig): { result: LintResult; file: LintedFile | null } {
  const started = performance.now();
  const { raw, typed, typedFallback } = verifyAsAsked(target, eslintRules(config));
  const document = TextDocument.create("file:///lint", "typescript", 0, target.text);
  const fatal = raw.messages.find((m) => m.fatal);
  const outcome = { parse: raw.parse, typed, typedFallback };
  if (fatal) {
    return { result: { problems: [], parseError: { message: fatal.message, line: fatal.line, column: fatal.column }, durationMs: performance.now() - started, ...outcome }, file: null };
  }
  const byLocation = new Map<string, Violation>();
  for (const v of raw.violations) {
    const { start, end } = v.node.loc;
    byLocation.set(locKey(v.kind, start.line, start.column + 1, end.line, end.column + 1), v);
  }
  const problems: Problem[] = [];
  for (const message of raw.messages) {
    if (!message.ruleId?.startsWith(`${NAMESPACE}/`)) continue;
    const rule = message.ruleId.slice(NAMESPACE.length + 1);
    const endLine = message.endLine ?? message.line;
    const endColumn = message.endColumn ?? message.column;
    const startOffset = raw.indexFromLoc(message.line, message.column - 1);
    const endOffset = raw.indexFromLoc(endLine, endColumn - 1);
    const violation = byLocation.get(locKey(rule, message.line, message.column, endLine, endColumn));
    const related = violation?.related
      ? { range: { start: document.positionAt(violation.related.range[0]), end: document.positionAt(violation.related.range[1]) }, offsets: [violation.related.range[0], violation.related.range[1]] as [number, number], label: violation.related.label }
      : null;
    const setting = config.get(rule);
    const severity = setting && setting.severity !== "off" ? setting.severity : message.severity === 2 ? "error" : "warn";
    problems.push({
      rule,
      severity,
      message: message.message,
      range: { start: document.positionAt(startOffset), end: document.positionAt(endOffset) },
      offsets: [startOffset, endOffset],
      related,
      suggestions: (message.suggestions ?? []).map((s) => ({ title: s.desc, range: [s.fix.range[0], s.fix.range[1]], text: s.fix.text })),
      docUrl: (plugin.rules as Record<string, { meta?: { docs?: { url?: string } } }>)[rule]?.meta?.docs?.url,
    });
  }
  return { result: { problems, parseError: null, durationMs: performance.now() - started, ...outcome }, file: raw.file };
}

/** Does this text parse (as the file it would be saved as)? Syntax does not depend on types: always untyped. */
export function parses(target: LintTarget): boolean {
  return !verify(target, {}, { kind: "untyped", fast: target.fastParser !== false }).messages.some((m) => m.fatal);
}

export function applyEdits(text: string, edits: { range: [number, number]; text: string }[]): string {
  const sorted = [...edits].sort((a, b) => b.range[0] - a.range[0]);
  let out = text;
  for (const edit of sorted) out = out.slice(0, edit.range[0]) + edit.text + out.slice(edit.range[1]);
  return out;
}

const MAX_FIX_PASSES = 10;

/**
 * "Fix all": applies the first suggestion of every problem, as many as do not
 * overlap, re-lints, and repeats (like ESLint's fix loop) until nothing is
 * left to apply. A pass whose result does not parse is dropped. Returns null
 * when nothing changes.
 */
export function fixAll(target: LintTarget, config: RuleConfig): string | null {
  let text = target.text;
  for (let pass = 0; pass < MAX_FIX_PASSES; pass++) {
    const result = lint({ ...target, text }, config);
    const chosen: Suggestion[] = [];
    for (const suggestion of result.problems.map((p) => p.suggestions[0]).filter((s): s is Suggestion => !!s).sort((a, b) => a.range[0] - b.range[0])) {
      const last = chosen[chosen.length - 1];
      // Touching edits wait for the next pass: their order would be ambiguous.
      if (last && suggestion.range[0] <= last.range[1]) continue;
      chosen.push(suggestion);
    }
    if (chosen.length === 0) break;
    const next = applyEdits(text, chosen);
    if (next === text || !parses({ ...target, text: next })) break;
    text = next;
  }
  return text === target.text ? null : text;
}

/** The smallest single edit that turns `before` into `after` (keeps the cursor and folding stable). */
export function minimalEdit(before: string, after: string): { range: [number, number]; text: string } {
  let start = 0;
  const max = Math.min(before.length, after.length);
  while (start < max && before.charCodeAt(start) === after.charCodeAt(start)) start++;
  let endBefore = before.length;
  let endAfter = after.length;
  while (endBefore > start && endAfter > start && before.charCodeAt(endBefore - 1) === after.charCodeAt(endAfter - 1)) {
    endBefore--;
    endAfter--;
  }
  return { range: [start, endBefore], text: after.slice(start, endAfter) };
}
