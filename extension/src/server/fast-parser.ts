/**
 * The parser the server gives ESLint for TypeScript files: oxc's native
 * parser when it can, typescript-eslint's parser otherwise.
 *
 * typescript-eslint's parser builds a whole TypeScript source file and then
 * converts it; on a 2,000-line file that was about 95 ms of a 110-145 ms
 * re-lint. oxc parses to a TS-ESTree-shaped AST in a few milliseconds. What
 * ESLint needs on top (`loc` on every node, `range` and `loc` on comments, a
 * token list, a scope manager, visitor keys) is added here with the same
 * libraries typescript-eslint uses (its scope manager and visitor keys,
 * TypeScript's scanner for tokens), so rules see what the CLI gives them.
 *
 * The fast path is only taken where it is known to match: an oxc parse error,
 * a node type typescript-eslint does not produce, or JSX (whose tokens this
 * does not reproduce) sends the file to typescript-eslint's parser, which
 * then also reports the syntax errors with the CLI's messages. Untyped only:
 * with `parserOptions.project`/`projectService` the caller uses
 * typescript-eslint directly.
 */
import type { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import { analyze } from "@typescript-eslint/scope-manager";
import { visitorKeys } from "@typescript-eslint/visitor-keys";
import { LineIndex, TokenHints, tokenize } from "./tokens";

/** How the last file was parsed (for the log and the latency benchmark). */
export interface ParseInfo {
  parser: "oxc" | "typescript-eslint";
  /** Parsing plus scope analysis, in milliseconds. */
  ms: number;
  /** Why the fast path was not taken (null when it was, or was not asked for). */
  fallback: string | null;
}

interface OxcParseResult {
  program: unknown;
  comments: { type: "Line" | "Block"; value: string; start: number; end: number }[];
  errors: { message: string }[];
}
interface OxcModule {
  parseSync(filename: string, text: string, options: Record<string, unknown>): OxcParseResult;
}

let oxc: OxcModule | null | undefined;
let oxcLoadError: string | null = null;

/**
 * oxc-parser is a native module (an ES module, loaded with Node's require of
 * ESM): on a platform without its binary the fast path is simply off.
 */
function loadOxc(): OxcModule | null {
  if (oxc === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      oxc = require("oxc-parser") as OxcModule;
    } catch (error) {
      oxc = null;
      oxcLoadError = `oxc-parser is not available (${(error as Error).message.split("\n")[0]})`;
    }
  }
  return oxc;
}

/** Why the fast path is unavailable in this process, or null. */
export function fastPathUnavailable(): string | null {
  loadOxc();
  return oxcLoadError;
}

type Node = { type: string; range: [number, number]; loc?: unknown; [key: string]: unknown };

class Unsupported extends Error {}

/**
 * oxc writes `null` for absent optional fields where typescript-eslint leaves
 * them `undefined` (an `=== undefined` test in a rule would tell them apart):
 * these keys, found by comparing the two parsers' ASTs (test/extension/fast-parser.test.ts).
 */
const ABSENT_AS_UNDEFINED = ["typeAnnotation", "returnType", "typeParameters", "typeArguments", "superTypeArguments", "directive", "accessibility", "constraint", "default"];
const ABSENT_AS_UNDEFINED_BY_TYPE: Record<string, string> = {
  RestElement: "value",
  TSDeclareFunction: "body",
  TSEnumMember: "initializer",
  TSMappedType: "readonly",
  Program: "hashbang",
};
/** Where typescript-eslint does write `null`. */
const NULL_KEPT_BY_TYPE: Record<string, string> = { TSImportType: "typeArguments", TSTypePredicate: "typeAnnotation" };

/** Per node type, the keys of ABSENT_AS_UNDEFINED its nodes have (worked out from the first one seen). */
const absentKeysByType = new Map<string, readonly string[]>();
function absentKeysOf(node: Node): readonly string[] {
  let keys = absentKeysByType.get(node.type);
  if (keys === undefined) {
    const kept = NULL_KEPT_BY_TYPE[node.type];
    const specific = ABSENT_AS_UNDEFINED_BY_TYPE[node.type];
    keys = [...ABSENT_AS_UNDEFINED, ...(specific ? [specific] : [])].filter((key) => key in node && key !== kept);
    absentKeysByType.set(node.type, keys);
  }
  return keys;
}

/**
 * Adds `loc` to every node ESLint will visit, checks that every node type is
 * one typescript-eslint produces, and collects where tokens need re-scanning.
 */
function prepare(program: Node, lines: LineIndex, hints: TokenHints): void {
  const keys = visitorKeys as Record<string, readonly string[] | undefined>;
  const stack: Node[] = [program];
  const keywordNames = new Set<Node>();
  while (stack.length > 0) {
    const node = stack.pop()!;
    const childKeys = keys[node.type];
    if (childKeys === undefined) throw new Unsupported(`${node.type} nodes`);
    if (node.type.startsWith("JSX")) throw new Unsupported("JSX");
    node.loc = { start: lines.position(node.range[0]), end: lines.position(node.range[1]) };
    for (const key of absentKeysOf(node)) if (node[key] === null) node[key] = undefined;
    switch (node.type) {
      case "Identifier":
        // A keyword used as a name (`x.delete`, `{ default: 1 }`, a `this` parameter) is an Identifier token,
        // but `import` of `import.meta` and `new` of `new.target` stay keywords.
        if (!keywordNames.has(node)) hints.identifierStarts.add(node.range[0]);
        break;
      case "MetaProperty":
        keywordNames.add(node.meta as Node);
        break;
      case "Literal":
        if (node.regex) hints.regexStarts.add(node.range[0]);
        break;
      case "TemplateLiteral":
      case "TSTemplateLiteralType": {
        const quasis = node.quasis as Node[];
        for (let i = 1; i < quasis.length; i++) hints.templateResumes.add(quasis[i].range[0]);
        break;
      }
      case "BinaryExpression":
      case "AssignmentExpression": {
        const operator = node.operator as string;
        if (operator.length > 1 && operator[0] === ">") hints.greaterGaps.push([(node.left as Node).range[1], (node.right as Node).range[0]]);
        break;
      }
    }
    for (const key of childKeys) {
      const child = node[key] as Node | (Node | null)[] | null | undefined;
      if (!child) continue;
      if (Array.isArray(child)) {
        for (const item of child) if (item) stack.push(item);
      } else if (typeof child.type === "string") {
        stack.push(child);
      }
    }
  }
}

function langOf(filePath: string): "ts" | "tsx" | "dts" {
  const name = filePath.toLowerCase();
  if (name.endsWith(".tsx")) return "tsx";
  return /\.d\.[cm]?ts$/.test(name) ? "dts" : "ts";
}

/**
 * Top-level statements and comments of a piece of a file (the incremental
 * lint re-parses only the statements an edit touched), with oxc's ranges;
 * a string says why not (a syntax error, or no oxc on this platform).
 */
export function parseStatements(code: string, filePath: string): { statements: Node[]; comments: { type: string; value: string; range: [number, number] }[] } | string {
  const parser = loadOxc();
  if (!parser) return oxcLoadError ?? "oxc-parser is not available";
  const result = parser.parseSync(filePath, code, { lang: langOf(filePath), sourceType: "module", astType: "ts", range: true, preserveParens: false });
  if (result.errors.length > 0) return `oxc: ${result.errors[0].message}`;
  const comments = result.comments.map((c) => ({ type: c.type, value: c.value, range: [c.start, c.end] as [number, number] }));
  return { statements: (result.program as { body: Node[] }).body, comments };
}

/** The oxc path; returns the reason instead when the file is not for it. */
function parseWithOxc(code: string, options: Linter.ParserOptions & { filePath?: string }, withTokens: boolean): ReturnType<typeof tsParser.parseForESLint> | string {
  const parser = loadOxc();
  if (!parser) return oxcLoadError ?? "oxc-parser is not available";
  const filePath = options.filePath ?? "file.ts";
  // typescript-eslint treats anything but "module" as a script; so does the fast path.
  const sourceType = options.sourceType === "module" ? "module" : "script";
  const result = parser.parseSync(filePath, code, { lang: langOf(filePath), sourceType, astType: "ts", range: true, preserveParens: false });
  if (result.errors.length > 0) return `oxc: ${result.errors[0].message}`;
  const program = result.program as Node;
  const lines = new LineIndex(code);
  const hints = new TokenHints();
  try {
    prepare(program, lines, hints);
  } catch (error) {
    if (error instanceof Unsupported) return `unsupported: ${error.message}`;
    throw error;
  }
  program.comments = result.comments.map((c) => ({
    type: c.type,
    value: c.value,
    range: [c.start, c.end],
    loc: { start: lines.position(c.start), end: lines.position(c.end) },
  }));
  // Without tokens (lint.ts: no configured rule reads them), ESLint's `SourceCode` is as happy with none.
  program.tokens = withTokens ? tokenize(code, hints, lines) : [];
  program.sourceType = sourceType;
  // The same scope analysis typescript-eslint's parser runs (no program: default lib).
  const scopeManager = analyze(program as never, {
    globalReturn: options.ecmaFeatures?.globalReturn,
    jsxPragma: (options as { jsxPragma?: string }).jsxPragma,
    jsxFragmentName: (options as { jsxFragmentName?: string | null }).jsxFragmentName,
    lib: (options as { lib?: never }).lib,
    sourceType,
  });
  // What typescript-eslint's parser returns as services without a project: no program.
  const services = { program: null, emitDecoratorMetadata: false, experimentalDecorators: false, isolatedDeclarations: false };
  return { ast: program, scopeManager, services, visitorKeys } as unknown as ReturnType<typeof tsParser.parseForESLint>;
}

/**
 * A parser object for one lint: `fast` picks oxc where it can; `info` says
 * what happened. `tokens: false`: oxc's AST comes without tokens (ESLint asks every
 * parser for them, whatever its options say; a lint whose rules read none can skip them). One object per lint, so nothing is shared between documents.
 */
export function createTypeScriptParser(fast: boolean, options: { tokens?: boolean } = {}): Linter.Parser & { info: ParseInfo | null } {
  const tokens = options.tokens !== false;
  const parser = {
    meta: { name: "com-async-server-typescript", version: "1" },
    info: null as ParseInfo | null,
    parseForESLint(code: string, options: Linter.ParserOptions & { filePath?: string }) {
      const started = performance.now();
      let fallback: string | null = null;
      if (fast) {
        const result = parseWithOxc(code, options, tokens);
        if (typeof result !== "string") {
          parser.info = { parser: "oxc", ms: performance.now() - started, fallback: null };
          return result;
        }
        fallback = result;
      }
      try {
        return tsParser.parseForESLint(code, options as never);
      } finally {
        parser.info = { parser: "typescript-eslint", ms: performance.now() - started, fallback };
      }
    },
  };
  return parser as unknown as Linter.Parser & { info: ParseInfo | null };
}
