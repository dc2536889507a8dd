/**
 * Summaries of helpers imported from the repository's own modules (spec 2a, shape 8):
 * `comRelease` from `./com`, `gpu.createBuffer` from the workspace package `@x/gpu`. In the
 * spirit of eslint-plugin-import's export map: the imported module is parsed and analysed
 * once (the same engine, run by a nested ESLint Linter so that it has code paths), its
 * exported functions get their roles (release, acquire, check, ends the process), and the
 * result is cached by path, naming options, mtime and size. Re-exports (`export { a } from`,
 * `export * from`) are followed. Bounded: modules are analysed at most MAX_DEPTH imports
 * away from the linted file, files over MAX_BYTES are skipped, and a module being analysed
 * has no roles for its own cyclic imports. Never throws: an unreadable, unparsable or
 * unresolvable import has no role (its calls stay escapes, as for third-party code).
 *
 * Consequence for `eslint --cache`: a file's findings can depend on the modules it imports,
 * which ESLint's cache does not track (README, "Raw FFI code").
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Linter, Rule, SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { driverListeners } from "./driver";
import { FileAnalysis } from "./file-analysis";
import type { HelperRole, ImportLookup, Summary } from "./model";
import { resolveImport } from "./module-resolution";
import { Recognizer } from "./recognizer";
import { vocabularyFor } from "./vocabulary";
import { mentionsName, propertyKeyName, unwrapExpression, walk } from "./ast";
import { isFunctionNode, returnedValues } from "./ast-functions";
import { onlyReturnedObject, tableMember } from "./function-tables";
import type { NamingOptions } from "../options";
import { namingKey } from "../options";

type Node = TSESTree.Node;

const MAX_DEPTH = 3;
const MAX_BYTES = 1_000_000;
const MAX_HOPS = 12;

type ExportEntry = { kind: "role"; role: HelperRole } | { kind: "link"; specifier: string; name: string };

interface ModuleExports {
  file: string;
  named: Map<string, ExportEntry>;
  /** `export * from "<specifier>"`, in order. */
  stars: string[];
  /** How far from the linted file the module was analysed: its own imports were followed from there. */
  depth: number;
  /**
   * Whether an answer of its analysis depended on where it was met: an import it could not follow for the depth
   * bound or an import cycle, there or in a module it imported. Exports that did not are the same at any depth.
   */
  truncated: boolean;
}

interface CacheEntry {
  mtimeMs: number;
  size: number;
  exports: ModuleExports | null;
}

const cache = new Map<string, CacheEntry>();
/** How many imported modules this process has analysed (for tests and benchmarks). */
export const importedModuleStats = { analyses: 0 };
const inProgress = new Set<string>();

/**
 * Parse results of imported modules, by path (checked against mtime, size and parser): a module met at another
 * depth, or under other naming options, is analysed again, but not parsed again (parsing was 44% of the time
 * these analyses took over a real repository). A parse holds its module's syntax tree and scopes (megabytes for a
 * large module), so only the MAX_PARSES modules used last are kept: a long-running language server keeps no more.
 */
const parses = new Map<string, { mtimeMs: number; size: number; parser: unknown; result: unknown }>();
const MAX_PARSES = 32;

type ParserModule = { parseForESLint?: (code: string, options: unknown) => unknown; parse?: (code: string, options: unknown) => unknown };

/** `parser`, answering from `parses` for this module as it is on disk now. */
function cachingParser(parser: ParserModule, file: string, stat: fs.Stats): Linter.Parser {
  return {
    parseForESLint(code: string, options: unknown) {
      const cached = parses.get(file);
      // Taken out and put back: a Map keeps insertion order, so its first key is the module used longest ago.
      parses.delete(file);
      if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size && cached.parser === parser) {
        parses.set(file, cached);
        return cached.result;
      }
      const result = parser.parseForESLint ? parser.parseForESLint(code, options) : { ast: parser.parse!(code, options) };
      if (parses.size >= MAX_PARSES) parses.delete(parses.keys().next().value!);
      parses.set(file, { mtimeMs: stat.mtimeMs, size: stat.size, parser, result });
      return result;
    },
  } as unknown as Linter.Parser;
}

/**
 * The import lookup of a linted file, or null when it is not a file on disk (stdin, a virtual file, a test). The
 * caller asks only when the settings follow imports (`importedHelpers: false` keeps each file to itself, and `--cache` exact).
 */
export function importsOf(context: Rule.RuleContext, naming: NamingOptions): ImportLookup | null {
  const name = context.physicalFilename ?? context.filename;
  if (!name || name.startsWith("<")) return null;
  // The Linter API takes file names relative to its cwd; a name that is no file on disk imports nothing we can read.
  const file = path.resolve(context.cwd ?? process.cwd(), name);
  if (!fs.existsSync(file)) return null;
  const parser = (context.languageOptions as { parser?: unknown } | undefined)?.parser ?? null;
  return new ImportedHelpers(file, naming, parser, 0);
}

class ImportedHelpers implements ImportLookup {
  /**
   * One lint's answers, by import and by module: a file calls its imports many times (every call of an FFI binding
   * asks), and each question otherwise resolved the import and `stat`ed the module again (a twelfth of the engine's
   * time on real FFI files). The file system is taken to stand still for the length of one lint.
   */
  private readonly answers = new Map<string, HelperRole | null>();
  private readonly modules = new Map<string, ModuleExports | null>();
  private readonly cacheKey: string;
  /** An answer of this lookup depended on the depth bound or on the modules being analysed (`ModuleExports.truncated`). */
  truncated = false;

  constructor(
    private readonly file: string,
    private readonly naming: NamingOptions,
    private readonly parser: unknown,
    private readonly depth: number,
  ) {
    this.cacheKey = namingKey(naming);
  }

  helper(specifier: string, name: string): HelperRole | null {
    const key = `${specifier}\0${name}`;
    let role = this.answers.get(key);
    if (role === undefined) {
      try {
        role = this.find(this.file, specifier, name, this.depth, 0);
      } catch {
        role = null;
      }
      this.answers.set(key, role);
    }
    return role;
  }

  private find(from: string, specifier: string, name: string, depth: number, hops: number): HelperRole | null {
    if (hops > MAX_HOPS) return null;
    const file = resolveImport(from, specifier);
    // Resolved before the bound: an import that leads nowhere has no role at any depth, so only one the bound cuts truncates.
    if (!file) return null;
    if (depth >= MAX_DEPTH) {
      this.truncated = true;
      return null;
    }
    const module = this.exportsOf(file, depth + 1);
    if (module?.truncated) this.truncated = true;
    if (!module) return null;
    const entry = module.named.get(name);
    // Through a re-export (`export * from "./texture"` of a package's index), the module's state may be torn
    // down by another of its modules (`destroyDevice()`): only a module imported directly pairs its functions.
    if (entry?.kind === "role") return hops === 0 || (!entry.role.keepsState && !entry.role.releasesState) ? entry.role : { ...entry.role, keepsState: undefined, releasesState: undefined };
    // A re-export is the same function: following it costs no depth, only a hop.
    if (entry?.kind === "link") return this.find(file, entry.specifier, entry.name, depth, hops + 1);
    if (name === "default") return null;
    for (const star of module.stars) {
      const found = this.find(file, star, name, depth, hops + 1);
      if (found) return found;
    }
    return null;
  }

  private exportsOf(file: string, depth: number): ModuleExports | null {
    const key = `${depth}\0${file}`;
    let exports = this.modules.get(key);
    if (exports === undefined) this.modules.set(key, (exports = this.moduleExports(file, depth)));
    return exports;
  }

  private moduleExports(file: string, depth: number): ModuleExports | null {
    const key = `${this.cacheKey}\0${file}`;
    const stat = fs.statSync(file);
    const cached = cache.get(key);
    // Exports analysed further away serve here too when no answer of theirs depended on the distance.
    if (cached && cached.mtimeMs === stat.mtimeMs && cached.size === stat.size && (cached.exports === null || cached.exports.depth <= depth || !cached.exports.truncated)) return cached.exports;
    if (stat.size > MAX_BYTES) return null;
    if (inProgress.has(key)) {
      // A cycle: what this module is depends on which of its importers is being analysed.
      this.truncated = true;
      return null;
    }
    inProgress.add(key);
    try {
      const analysed = this.analyse(file, fs.readFileSync(file, "utf8"), depth, stat);
      cache.set(key, { mtimeMs: stat.mtimeMs, size: stat.size, exports: analysed });
      return analysed;
    } finally {
      inProgress.delete(key);
    }
  }

  /** Lints the module with one internal rule that drives the engine and collects its exports' roles. */
  private analyse(file: string, code: string, depth: number, stat: fs.Stats): ModuleExports | null {
    const LinterClass = loadLinter();
    const found = this.parserFor(file) as ParserModule | null | undefined;
    const parser = found && (found.parseForESLint || found.parse) ? cachingParser(found, file, stat) : found;
    if (!LinterClass || parser === undefined) return null;
    importedModuleStats.analyses++;
    // Not `exports`: compiled to CommonJS, that name would hide the module's own (`importedModuleStats` above).
    let analysed: ModuleExports | null = null;
    const naming = this.naming;
    const imports = new ImportedHelpers(file, naming, this.parser, depth);
    const rule: Rule.RuleModule = {
      meta: { type: "problem", schema: [] },
      create(context) {
        const analysis = new FileAnalysis(context.sourceCode, new Recognizer(vocabularyFor(naming), undefined), file, { imports, forImporters: true });
        return driverListeners(analysis, (codePath) => {
          if (codePath.origin === "program" && !analysis.failed) analysed = collectExports(analysis, context.sourceCode, file, depth);
        });
      },
    };
    const config: Linter.Config = {
      // ESLint lints a file only when a pattern that is not universal (`**/*`) matches it.
      files: ["**/*.ts", "**/*.tsx", "**/*.mts", "**/*.cts", "**/*.js", "**/*.jsx", "**/*.mjs", "**/*.cjs"],
      languageOptions: { ...(parser ? { parser: parser as Linter.Parser } : {}), ecmaVersion: "latest", sourceType: /\.c[jt]s$/.test(file) ? "commonjs" : "module" },
      plugins: { "com-async-imports": { rules: { exports: rule } } },
      rules: { "com-async-imports/exports": "error" },
    };
    new LinterClass({ cwd: path.parse(file).root }).verify(code, [config], file);
    // Set once the lint is over: solving and the exports' roles may still look imports up.
    if (analysed) (analysed as ModuleExports).truncated = imports.truncated;
    return analysed;
  }

  /** The linted file's parser for TypeScript; espree (null) for JavaScript; undefined when none can parse it. */
  private parserFor(file: string): unknown {
    if (!/\.[mc]?tsx?$/.test(file)) return null;
    if (this.parser) return this.parser;
    try {
      return require("@typescript-eslint/parser") as unknown;
    } catch {
      return undefined;
    }
  }
}

/** ESLint's Linter, which gives the nested analysis its code paths; absent under hosts without ESLint. */
function loadLinter(): (new (options: { cwd: string }) => Linter) | null {
  try {
    return (require("eslint") as { Linter: new (options: { cwd: string }) => Linter }).Linter;
  } catch {
    return null;
  }
}

function collectExports(analysis: FileAnalysis, sourceCode: SourceCode, file: string, depth: number): ModuleExports {
  const program = sourceCode.ast as unknown as TSESTree.Program;
  const named = new Map<string, ExportEntry>();
  const stars: string[] = [];
  const localFunctions = new Map<string, TSESTree.FunctionLike>();
  const localImports = new Map<string, { specifier: string; name: string }>();
  // A module that names no protocol method and calls no Release through a slot releases nothing, so it cannot own a pointer: what its
  // functions are given is only used (`trackResource(p, bytes)` files it in a size report), unless
  // they hand it back.
  // Names only: comments and messages ("release buffers before destroying the device") are no calls.
  const names: string[] = [];
  walk(program, (node) => node.type === "Identifier" && names.push(node.name));
  const identifiers = names.join(" ");
  const namesNoProtocol = !analysis.vocabulary.protocolWordPattern().test(identifiers);
  const releasesNothing = namesNoProtocol && !analysis.recordsRelease;
  const state = releasesNothing ? null : analysis.moduleStateRoles;
  const keepers: { role: HelperRole; variable: string }[] = [];
  const releasers: string[] = [];
  // The functions whose roles are being worked out: a table naming its own factory (`return { make, release }`) ends there.
  const inProgress = new Set<TSESTree.FunctionLike>();
  const roleOf = (fn: TSESTree.FunctionLike): HelperRole | null => {
    if (inProgress.has(fn)) return null;
    inProgress.add(fn);
    try {
      return roleOfFunction(fn);
    } finally {
      inProgress.delete(fn);
    }
  };
  const roleOfFunction = (fn: TSESTree.FunctionLike): HelperRole | null => {
    const found = analysis.roleOf(fn);
    // Where the module releases only through a slot's number (`comCall(p, 2, ...)`), a function of it that neither
    // releases nor hands out a pointer only uses what it is given, as in a module that releases nothing.
    if (releasesNothing || (namesNoProtocol && !actsOnPointers(found.summary))) found.summary = onlyUses(fn);
    // A factory of a table of functions (`createComRuntime()` returning `{ invoke(...) {...}, release(p) {...} }`): each one's role.
    const table = onlyReturnedObject(fn);
    if (table) {
      for (const property of table.properties) {
        const key = property.type === "Property" && !property.computed ? propertyKeyName(property) : null;
        const member = key !== null ? tableMember(table, key, (id) => analysis.localFunction(id)) : null;
        const memberRole = member ? roleOf(member) : null;
        if (key !== null && memberRole) (found.table ??= new Map()).set(key, memberRole);
      }
    }
    if (!found.summary && !found.check && !found.endsProcess && !found.testsHresult && !found.dispatcher && !found.readsBox && !found.table && !found.comObjectParams) return null;
    return found;
  };
  const role = (fn: TSESTree.FunctionLike, name: string): ExportEntry | null => {
    const found = roleOf(fn);
    if (!found) return null;
    // What it keeps and also returns (`createDevice()` files its object in `activeGpu`) the caller may release by hand.
    const kept = found.summary?.object?.fields.some((f) => f.shared) || found.summary?.returns ? null : (state?.keeps(fn) ?? null);
    if (kept !== null) keepers.push({ role: found, variable: kept });
    else if (state?.releases(fn)) {
      found.releasesState = file;
      releasers.push(name);
    }
    return { kind: "role", role: found };
  };
  for (const statement of program.body) {
    if (statement.type === "ImportDeclaration" && statement.importKind !== "type" && typeof statement.source.value === "string") {
      for (const spec of statement.specifiers) {
        if (spec.type === "ImportSpecifier") localImports.set(spec.local.name, { specifier: statement.source.value, name: nameOf(spec.imported) });
        else if (spec.type === "ImportDefaultSpecifier") localImports.set(spec.local.name, { specifier: statement.source.value, name: "default" });
      }
    }
    const declaration = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
    for (const [name, fn] of functionsDeclared(declaration)) localFunctions.set(name, fn);
  }
  for (const statement of program.body) {
    if (statement.type === "ExportAllDeclaration") {
      if (!statement.exported && typeof statement.source.value === "string") stars.push(statement.source.value);
    } else if (statement.type === "ExportDefaultDeclaration") {
      const value = statement.declaration as Node;
      const fn = isFunctionNode(value) ? value : value.type === "Identifier" ? localFunctions.get(value.name) : undefined;
      const entry = fn ? role(fn, "default") : null;
      if (entry) named.set("default", entry);
    } else if (statement.type === "ExportNamedDeclaration") {
      for (const [name, fn] of functionsDeclared(statement.declaration)) {
        const entry = role(fn, name);
        if (entry) named.set(name, entry);
      }
      for (const spec of statement.specifiers) {
        if (spec.type !== "ExportSpecifier") continue;
        const local = nameOf(spec.local);
        const exported = nameOf(spec.exported);
        if (statement.source && typeof statement.source.value === "string") {
          named.set(exported, { kind: "link", specifier: statement.source.value, name: local });
          continue;
        }
        const fn = localFunctions.get(local);
        const entry = fn ? role(fn, exported) : localImports.has(local) ? ({ kind: "link", ...localImports.get(local)! } as const) : null;
        if (entry) named.set(exported, entry);
      }
    }
  }
  // A state the module keeps but never releases itself is not the importer's to release either.
  if (releasers.length > 0) for (const { role: kept, variable } of keepers) kept.keepsState = { variable, module: file, releasedBy: releasers };
  return { file, named, stars, depth, truncated: false };
}

/**
 * The summary of a function of a module that releases nothing: each parameter used, unless the function
 * returns it (`return p`, `return ok ? p : 0n`), which hands it back. Mentioned in a return is no return of
 * it (`return tracked.get(handle)?.byteSize`).
 */
function onlyUses(fn: TSESTree.FunctionLike): Summary {
  const returned = returnedValues(fn).filter((value): value is Node => value !== null);
  const params = fn.params.map((param) => {
    const id = param.type === "AssignmentPattern" ? param.left : param;
    if (id.type !== "Identifier") return { kind: "escape" } as const;
    return returned.some((value) => isValueOf(value, id.name)) ? ({ kind: "escape" } as const) : ({ kind: "none" } as const);
  });
  return { params, returns: null };
}

/** Is the value of this expression (through `?:`, `??`, `||`, `&&`, casts) the variable `name` itself? */
function isValueOf(node: Node, name: string): boolean {
  let value = unwrapExpression(node);
  // A member of it (`return p.buffer`) hands back what it holds.
  while (value.type === "MemberExpression" || value.type === "ChainExpression") value = unwrapExpression(value.type === "ChainExpression" ? value.expression : value.object);
  if (value.type === "Identifier") return value.name === name;
  if (value.type === "ConditionalExpression") return isValueOf(value.consequent, name) || isValueOf(value.alternate, name);
  if (value.type === "LogicalExpression") return isValueOf(value.left, name) || isValueOf(value.right, name);
  if (value.type === "SequenceExpression") return isValueOf(value.expressions[value.expressions.length - 1], name);
  // An object or array built around it hands it back too (`return { handle }`).
  if (value.type === "ObjectExpression" || value.type === "ArrayExpression") return mentionsName(value, name);
  return false;
}

function functionsDeclared(declaration: Node | null | undefined): [string, TSESTree.FunctionLike][] {
  if (!declaration) return [];
  if (declaration.type === "FunctionDeclaration" && declaration.id) return [[declaration.id.name, declaration]];
  if (declaration.type !== "VariableDeclaration" || declaration.kind !== "const") return [];
  return declaration.declarations.flatMap((d): [string, TSESTree.FunctionLike][] => (d.id.type === "Identifier" && d.init && isFunctionNode(d.init) ? [[d.id.name, d.init]] : []));
}

function nameOf(node: TSESTree.Identifier | TSESTree.StringLiteral): string {
  return node.type === "Identifier" ? node.name : node.value;
}

/** Does a summary release, finish, begin or cancel something it is given, or hand out a pointer? */
function actsOnPointers(summary: Summary | null): boolean {
  if (!summary) return false;
  return summary.params.some((effect) => effect.kind !== "none" && effect.kind !== "escape") || (summary.releasesBoxed?.length ?? 0) > 0 || (summary.releasesCaptured?.length ?? 0) > 0 || summary.returns !== null || (summary.object?.fields.length ?? 0) > 0;
}
