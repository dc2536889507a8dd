/**
 * A TypeScript file as a list of units, its top-level statements, with what
 * the incremental lint (incremental-lint.ts) needs to know of each: what kind
 * of code it is, which module-level names it declares and which names it
 * mentions, and whether the statement after it always starts afresh.
 *
 * The kinds follow how the engine analyses a file: every function (and class
 * member) is a code path of its own, solved with the summaries of the
 * functions it calls, while all top-level code shares the module's one code
 * path.
 *   functions  function declarations, `const f = () => ...`, plain classes:
 *              nothing of theirs runs in the module's code path
 *   code       anything that does run there (calls, initialisers, `extends`,
 *              decorators, computed keys, enums, namespaces, export lists)
 *   inert      what leaves no code at all: imports, types, interfaces, `declare`
 */
import { visitorKeys } from "@typescript-eslint/visitor-keys";

export type UnitKind = "functions" | "code" | "inert";

export interface Unit {
  /** Offsets in the text the unit was found in. */
  start: number;
  end: number;
  kind: UnitKind;
  /** Module-level names this statement binds. */
  declares: readonly string[];
  /** Every identifier name in it (locals too: an over-approximation is safe). */
  mentions: ReadonlySet<string>;
  /** An import declaration: what it binds may be a helper of the repository, summarised from its module. */
  imports: boolean;
  /** The next statement starts afresh whatever it is (ends in `;`, or is a declaration ending in `}`): no ASI question. */
  hardEnd: boolean;
  /** ESLint directive comments inside it (`eslint-disable…`, `global`), as offsets. */
  directives: readonly [number, number][];
}

type AstNode = { type: string; range: [number, number]; [key: string]: unknown };
export interface ParsedComment {
  type: string;
  value: string;
  range: [number, number];
}

/** Comments ESLint reads as configuration: they are never left out of a re-lint. */
export const DIRECTIVE_COMMENT = /^\s*(eslint|global|exported)/;

const KEYS = visitorKeys as Record<string, readonly string[] | undefined>;

/**
 * The units of a program's statements, in order. `text` is the text their
 * ranges index; `offset` is added to every range (statements parsed from a
 * piece of a file that starts there).
 */
export function unitsOf(statements: readonly AstNode[], comments: readonly ParsedComment[], text: string, offset = 0): Unit[] {
  const directives = comments.filter((c) => DIRECTIVE_COMMENT.test(c.value)).map((c) => [c.range[0] + offset, c.range[1] + offset] as [number, number]);
  return statements.map((statement) => {
    const start = statement.range[0] + offset;
    const end = statement.range[1] + offset;
    return {
      start,
      end,
      kind: kindOf(statement),
      declares: declaredNames(statement),
      mentions: mentionedNames(statement),
      imports: statement.type === "ImportDeclaration",
      hardEnd: text.charCodeAt(end - 1) === 59 /* ; */ || (text.charCodeAt(end - 1) === 125 /* } */ && endsDeclaration(statement)),
      directives: directives.filter(([s, e]) => s >= start && e <= end),
    };
  });
}

/** The same unit, `delta` characters later in the text. */
export function shiftUnit(unit: Unit, delta: number): Unit {
  if (delta === 0) return unit;
  return { ...unit, start: unit.start + delta, end: unit.end + delta, directives: unit.directives.map(([s, e]) => [s + delta, e + delta] as [number, number]) };
}

function declarationOf(statement: AstNode): AstNode | null {
  if (statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration") return (statement.declaration as AstNode | null) ?? null;
  return statement;
}

const INERT_TYPES = new Set(["ImportDeclaration", "ExportAllDeclaration", "TSInterfaceDeclaration", "TSTypeAliasDeclaration", "TSDeclareFunction", "TSNamespaceExportDeclaration", "EmptyStatement"]);
const FUNCTION_VALUES = new Set(["FunctionExpression", "ArrowFunctionExpression"]);

function kindOf(statement: AstNode): UnitKind {
  const declaration = declarationOf(statement);
  if (!declaration) return statement.type === "ExportNamedDeclaration" && !statement.source ? "code" : "inert";
  if (INERT_TYPES.has(declaration.type) || declaration.declare === true) return "inert";
  switch (declaration.type) {
    case "FunctionDeclaration":
    case "FunctionExpression":
    case "ArrowFunctionExpression":
      return "functions";
    case "ClassDeclaration":
    case "ClassExpression":
      return isPlainClass(declaration) ? "functions" : "code";
    case "VariableDeclaration":
      // `let state;` is module state that functions share (code: tied to all who name it); `const f = () => ...` is a function.
      return (declaration.declarations as AstNode[]).every((d) => (d.id as AstNode).type === "Identifier" && d.init && FUNCTION_VALUES.has((d.init as AstNode).type)) ? "functions" : "code";
    default:
      return "code";
  }
}

/** A class none of whose parts is evaluated in the module's code path (methods and field initialisers have paths of their own). */
function isPlainClass(node: AstNode): boolean {
  if (node.superClass || (node.decorators as unknown[] | undefined)?.length) return false;
  const members = (node.body as { body: AstNode[] }).body;
  return members.every((m) => m.type !== "StaticBlock" && !m.computed && !(m.decorators as unknown[] | undefined)?.length);
}

const DECLARATION_ENDS_WITH_BRACE = new Set(["FunctionDeclaration", "ClassDeclaration", "TSInterfaceDeclaration", "TSModuleDeclaration", "TSEnumDeclaration", "BlockStatement"]);

function endsDeclaration(statement: AstNode): boolean {
  const declaration = declarationOf(statement);
  return declaration !== null && DECLARATION_ENDS_WITH_BRACE.has(declaration.type);
}

function declaredNames(statement: AstNode): string[] {
  if (statement.type === "ImportDeclaration") {
    return (statement.specifiers as AstNode[]).map((s) => (s.local as { name: string }).name);
  }
  if (statement.type === "TSImportEqualsDeclaration") return [(statement.id as { name: string }).name];
  const declaration = declarationOf(statement);
  if (!declaration) return [];
  if (declaration.type === "VariableDeclaration") {
    return (declaration.declarations as AstNode[]).flatMap((d) => boundNames(d.id as AstNode));
  }
  const id = declaration.id as AstNode | null | undefined;
  return id && id.type === "Identifier" ? [(id as unknown as { name: string }).name] : [];
}

/** The names a binding pattern binds (`a`, `{ b, c: d }`, `[e = 1, ...f]`), not its types or defaults. */
function boundNames(pattern: AstNode | null): string[] {
  if (!pattern) return [];
  switch (pattern.type) {
    case "Identifier":
      return [pattern.name as string];
    case "ObjectPattern":
      return (pattern.properties as AstNode[]).flatMap((p) => boundNames((p.type === "RestElement" ? p.argument : p.value) as AstNode));
    case "ArrayPattern":
      return (pattern.elements as (AstNode | null)[]).flatMap((e) => boundNames(e));
    case "AssignmentPattern":
      return boundNames(pattern.left as AstNode);
    case "RestElement":
      return boundNames(pattern.argument as AstNode);
    default:
      return [];
  }
}

function mentionedNames(root: AstNode): Set<string> {
  const names = new Set<string>();
  const stack: AstNode[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.type === "Identifier" || node.type === "JSXIdentifier") names.add(node.name as string);
    const keys = KEYS[node.type];
    // Names under a node whose children are unknown would be missed, and with them dependencies.
    if (keys === undefined) throw new Error(`no visitor keys for ${node.type} nodes`);
    for (const key of keys) {
      const child = node[key] as AstNode | (AstNode | null)[] | null | undefined;
      if (!child) continue;
      if (Array.isArray(child)) {
        for (const item of child) if (item) stack.push(item);
      } else if (typeof child.type === "string") {
        stack.push(child);
      }
    }
  }
  return names;
}
