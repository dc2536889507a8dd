/**
 * Pure questions about the AST: no COM names, no state. Every other engine
 * module may use these; this one imports nothing of the engine.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { visitorKeys } from "@typescript-eslint/visitor-keys";

type Node = TSESTree.Node;

/** What wraps a value without changing it: type assertions, `!`, optional-chain wrappers (parentheses leave no node). */
type ValueWrapper = TSESTree.TSAsExpression | TSESTree.TSNonNullExpression | TSESTree.TSTypeAssertion | TSESTree.TSSatisfiesExpression | TSESTree.TSInstantiationExpression | TSESTree.ChainExpression;

function isValueWrapper(node: Node): node is ValueWrapper {
  switch (node.type) {
    case "TSAsExpression":
    case "TSNonNullExpression":
    case "TSTypeAssertion":
    case "TSSatisfiesExpression":
    case "TSInstantiationExpression":
    case "ChainExpression":
      return true;
    default:
      return false;
  }
}

/** Strips what does not change a value: type assertions, `!`, optional-chain wrappers, parentheses. */
export function unwrapExpression(node: Node): Node {
  let current = node;
  while (isValueWrapper(current)) current = current.expression;
  return current;
}

/** The outermost expression that only wraps `node` in type syntax (`call as T`, `call!`): `unwrapExpression` upwards. */
export function wrappedValue(node: Node): Node {
  let current = node;
  while (current.parent && isValueWrapper(current.parent)) current = current.parent;
  return current;
}

/** The property name of a non-computed or string-literal member access. */
export function memberName(node: TSESTree.MemberExpression): string | null {
  if (!node.computed && node.property.type === "Identifier") return node.property.name;
  if (node.computed && node.property.type === "Literal" && typeof node.property.value === "string") return node.property.value;
  return null;
}

/** The last name of a callee: `f` for `f()`, `Release` for `vt.symbols.Release()`. */
export function calleeName(node: Node): string | null {
  const callee = unwrapExpression(node);
  if (callee.type === "Identifier") return callee.name;
  if (callee.type === "MemberExpression") return memberName(callee);
  return null;
}

/** The text of a dotted name (`Components.interfaces`, `vt.symbols.Release`), or null. */
export function dottedName(node: Node): string | null {
  const n = unwrapExpression(node);
  if (n.type === "Identifier") return n.name;
  if (n.type === "ThisExpression") return "this";
  if (n.type === "MemberExpression") {
    const name = memberName(n);
    const head = name === null ? null : dottedName(n.object);
    return head && name !== null ? `${head}.${name}` : null;
  }
  return null;
}

/** `p` and `p`, `this.dev` and `this.dev`: the same variable or member path (no calls). */
export function sameExpression(a: TSESTree.CallExpressionArgument, b: TSESTree.CallExpressionArgument): boolean {
  if (a.type === "SpreadElement" || b.type === "SpreadElement") return false;
  const left = dottedName(unwrapExpression(a));
  return left !== null && left === dottedName(unwrapExpression(b));
}

/**
 * The vtable slot a byte offset reads (`S * 8`, `POINTER_SIZE * 2`: the other factor, as a node; `16`: slot 2, as a
 * number), or null.
 */
export function slotAtByteOffset(node: Node): Node | number | null {
  const offset = unwrapExpression(node);
  if (offset.type === "BinaryExpression" && offset.operator === "*") return isPointerSize(offset.left) ? offset.right : isPointerSize(offset.right) ? offset.left : null;
  const bytes = numericLiteral(offset as TSESTree.CallExpressionArgument);
  return bytes !== null && bytes % 8 === 0 ? bytes / 8 : null;
}

/** `8`, `POINTER_SIZE`, `PTR_SIZE`: the pointer size a slot number is multiplied by. */
function isPointerSize(node: Node): boolean {
  const expr = unwrapExpression(node);
  return (expr.type === "Literal" && expr.value === 8) || (expr.type === "Identifier" && /size|ptr|pointer/i.test(expr.name));
}

/** A literal number (`2`, `2n`), or null. */
/** A number an index is: a literal, or a `const` holding one (`out[FIRST]` with `const FIRST = 0`); `initOf` gives a name's initialiser. */
export function constantIndex(index: Node, initOf: (id: TSESTree.Identifier) => Node | null): number | null {
  const literal = numericLiteral(index);
  if (literal !== null || index.type !== "Identifier") return literal;
  const init = initOf(index);
  return init && init.parent?.parent?.type === "VariableDeclaration" && init.parent.parent.kind === "const" ? numericLiteral(init) : null;
}

export function numericLiteral(node: Node): number | null {
  const n = unwrapExpression(node);
  if (n.type !== "Literal") return null;
  if (typeof n.value === "number") return n.value;
  if (typeof n.value === "bigint") return Number(n.value);
  const bigint = (n as { bigint?: string }).bigint;
  return bigint !== undefined ? Number(bigint) : null;
}

/** Is the value of this call used (assigned, returned, passed, tested) rather than discarded? */
export function isResultUsed(node: Node): boolean {
  let current: Node = node;
  let parent = current.parent;
  while (parent && (parent.type === "ChainExpression" || parent.type === "AwaitExpression" || parent.type === "TSNonNullExpression" || parent.type === "TSAsExpression")) {
    current = parent;
    parent = current.parent;
  }
  if (!parent) return false;
  if (parent.type === "ExpressionStatement") return false;
  if (parent.type === "UnaryExpression" && parent.operator === "void") return false;
  if (parent.type === "SequenceExpression" && parent.expressions[parent.expressions.length - 1] !== current) return false;
  return true;
}

/** The statement of a block (or program, or switch case) that contains `node`. */
export function enclosingStatement(node: Node): Node | null {
  let current: Node | undefined = node;
  while (current && current.parent) {
    const parent: Node = current.parent;
    if (parent.type === "BlockStatement" || parent.type === "Program" || parent.type === "StaticBlock" || parent.type === "SwitchCase") return current;
    if (parent.type === "ExportNamedDeclaration") return parent;
    current = parent;
  }
  return null;
}

/** Does this jump leave a `try` block or `catch` clause whose `finally` must run first? */
export function jumpsOutOfFinally(jump: TSESTree.BreakStatement | TSESTree.ContinueStatement): boolean {
  let child: Node = jump;
  let current: Node | undefined = jump.parent;
  while (current) {
    if (current.type === "TryStatement" && current.finalizer && child !== current.finalizer) return true;
    if (jump.label) {
      if (current.type === "LabeledStatement" && current.label.name === jump.label.name) return false;
    } else if (/^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(current.type) || (jump.type === "BreakStatement" && current.type === "SwitchStatement")) {
      return false;
    }
    if (/Function/.test(current.type)) return false;
    child = current;
    current = current.parent;
  }
  return false;
}

/** The blocks a `break` or `continue` leaves on its way to its target, innermost first: their variables go out of scope. */
export function blocksLeftByJump(jump: TSESTree.BreakStatement | TSESTree.ContinueStatement): TSESTree.BlockStatement[] {
  const out: TSESTree.BlockStatement[] = [];
  for (let current: Node | undefined = jump.parent; current && !/Function/.test(current.type); current = current.parent) {
    if (jump.label) {
      if (current.type === "LabeledStatement" && current.label.name === jump.label.name) break;
    } else if (/^(For|ForIn|ForOf|While|DoWhile)Statement$/.test(current.type) || (jump.type === "BreakStatement" && current.type === "SwitchStatement")) {
      break;
    }
    if (current.type === "BlockStatement") out.push(current);
  }
  return out;
}

/**
 * Every place the program names a property, by its name: `x.device` (a non-computed member
 * access), and the variable a destructuring binds it to (`device` of `const { device } = x`,
 * `d` of `{ device: d }`). One walk of the tree.
 */
export function propertyNames(root: Node): Map<string, (TSESTree.MemberExpression | TSESTree.Identifier)[]> {
  const out = new Map<string, (TSESTree.MemberExpression | TSESTree.Identifier)[]>();
  const add = (name: string, node: TSESTree.MemberExpression | TSESTree.Identifier) => {
    let list = out.get(name);
    if (!list) out.set(name, (list = []));
    list.push(node);
  };
  walk(root, (node) => {
    if (node.type === "MemberExpression" && !node.computed && node.property.type === "Identifier") add(node.property.name, node);
    else if (node.type === "Property" && node.parent?.type === "ObjectPattern" && !node.computed && node.key.type === "Identifier") {
      const value = node.value.type === "AssignmentPattern" ? node.value.left : node.value;
      if (value.type === "Identifier") add(node.key.name, value);
    }
  });
  return out;
}

/**
 * A library module: it exports something (`export ...`, `module.exports = ...`, `exports.x = ...`) and its top
 * level only declares (no statement that runs code: a call, a loop, `if (import.meta.main) main()`).
 */
export function isLibraryModule(program: TSESTree.Program): boolean {
  let exports = false;
  for (const statement of program.body) {
    if (statement.type === "ExportNamedDeclaration" || statement.type === "ExportDefaultDeclaration" || statement.type === "ExportAllDeclaration") exports = true;
    else if (statement.type === "ExpressionStatement" && statement.expression.type === "AssignmentExpression" && isExportsTarget(statement.expression.left)) exports = true;
    else if (!(statement.type === "ExpressionStatement" && statement.directive) && !DECLARATIONS.test(statement.type)) return false;
  }
  return exports;
}

const DECLARATIONS = /^(ImportDeclaration|VariableDeclaration|FunctionDeclaration|ClassDeclaration|TS\w+Declaration|TSImportEqualsDeclaration|TSExportAssignment|EmptyStatement)$/;

function isExportsTarget(target: Node): boolean {
  while (target.type === "MemberExpression") target = target.object;
  return target.type === "Identifier" && (target.name === "module" || target.name === "exports");
}

/**
 * Visits every node under `root` (itself included), in no particular order. A node's children are found by
 * its type's visitor keys (typescript-eslint's, a superset of ESTree's): enumerating every property of every
 * node (`for...in`, with `range`, `loc` and the scalars) made a whole-file walk a sixth of the engine's
 * time on real FFI files. A type without keys (another parser's extension) is enumerated.
 */
export function walk(root: Node, visit: (node: Node) => void): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop()!;
    visit(node);
    const keys = (visitorKeys as Record<string, readonly string[] | undefined>)[node.type];
    if (keys === undefined) {
      for (const key in node) if (key !== "parent") pushNodes((node as unknown as Record<string, unknown>)[key], stack);
      continue;
    }
    for (let i = 0; i < keys.length; i++) pushNodes((node as unknown as Record<string, unknown>)[keys[i]], stack);
  }
}

function pushNodes(child: unknown, stack: Node[]): void {
  if (Array.isArray(child)) {
    for (let i = 0; i < child.length; i++) {
      const item = child[i] as Node | null;
      if (item && typeof item.type === "string") stack.push(item);
    }
  } else if (child && typeof (child as Node).type === "string") stack.push(child as Node);
}

/**
 * The `for...of` loops that iterate this array literal: itself the loop's, or a constant's only looped over (or pushed
 * onto: `allBufs.push(b)` leaves the literal's elements looped over; what is pushed is handed on).
 */
export function loopsOverLiteral(array: TSESTree.ArrayExpression, referencesOf: (id: TSESTree.Identifier) => TSESTree.Identifier[]): TSESTree.ForOfStatement[] {
  const isLoopOver = (node: Node): node is Node & { parent: TSESTree.ForOfStatement } =>
    node.parent?.type === "ForOfStatement" && node.parent.right === node && node.parent.left.type === "VariableDeclaration";
  if (isLoopOver(array)) return [array.parent];
  const declarator = array.parent;
  if (declarator?.type !== "VariableDeclarator" || declarator.init !== array || declarator.id.type !== "Identifier") return [];
  if (declarator.parent?.type !== "VariableDeclaration" || declarator.parent.kind !== "const") return [];
  const id = declarator.id;
  const isPush = (ref: Node) => ref.parent?.type === "MemberExpression" && ref.parent.object === ref && ref.parent.parent?.type === "CallExpression" && memberName(ref.parent) === "push";
  const uses = referencesOf(id).filter((ref) => ref !== id);
  const loops = uses.filter(isLoopOver);
  return loops.length > 0 && uses.every((ref) => isLoopOver(ref) || isPush(ref)) ? loops.map((ref) => ref.parent as TSESTree.ForOfStatement) : [];
}

/**
 * The keys of the loop variables that stand for each element of an array literal in turn, and the elements' keys
 * (`for (const t of [sceneTex, bloomA])`: `t` -> `sceneTex`, `bloomA`), or null when a loop or an element has no key.
 */
export function loopListKeys(array: TSESTree.ArrayExpression, referencesOf: (id: TSESTree.Identifier) => TSESTree.Identifier[], keyOf: (node: Node) => string | null): { loopKeys: string[]; elementKeys: string[] } | null {
  const loops = loopsOverLiteral(array, referencesOf);
  if (loops.length === 0) return null;
  // Every key asked for before any is judged missing, as keys are numbered in the order first asked.
  const elementKeys = array.elements.map((e) => (e && e.type !== "SpreadElement" ? keyOf(e) : null));
  if (elementKeys.some((key) => key === null)) return null;
  const loopKeys = loops.map((loop) => {
    const id = (loop.left as TSESTree.VariableDeclaration).declarations[0]?.id;
    return id?.type === "Identifier" ? keyOf(id) : null;
  });
  if (loopKeys.some((key) => key === null)) return null;
  return { loopKeys: loopKeys as string[], elementKeys: elementKeys as string[] };
}

/** The name of a property's key: `Release` of `{ Release: ... }` or `{ "Release": ... }`; null for a computed one. */
/** `o.name`, `{ name: 1 }`: an identifier that names a property, no mention of a variable. */
export function isPropertyName(node: TSESTree.Identifier): boolean {
  const parent = node.parent;
  return (parent?.type === "MemberExpression" && parent.property === node && !parent.computed) || (parent?.type === "Property" && parent.key === node && !parent.computed && parent.value !== node);
}

export function propertyKeyName(property: TSESTree.Property): string | null {
  return property.key.type === "Identifier" ? property.key.name : property.key.type === "Literal" ? String(property.key.value) : null;
}

/** The root of the tree a node is in (the Program). */
export function rootOf(node: Node): Node {
  while (node.parent) node = node.parent;
  return node;
}

/** Does an identifier named `name` stand anywhere under `root` (`list.filter(...)`, `{ handle }`)? */
export function mentionsName(root: Node, name: string): boolean {
  let found = false;
  walk(root, (node) => (found ||= node.type === "Identifier" && node.name === name));
  return found;
}

/** `null`, `undefined`, `0`, `0n`: what a failed acquisition leaves in its result or box, and a conversion returns for no pointer. */
export function isNullishLiteral(node: Node): boolean {
  const expr = unwrapExpression(node);
  if (expr.type === "Identifier") return expr.name === "undefined";
  return expr.type === "Literal" && (expr.value === null || expr.value === 0 || (expr as { bigint?: string }).bigint === "0");
}

/** `assert(p)`, `assert.ok(p, msg)`, `console.assert(p)`: an assertion, which tests what it is given and keeps nothing. */
export function isAssertion(callee: Node): boolean {
  const expr = unwrapExpression(callee);
  if (expr.type === "Identifier") return expr.name === "assert";
  if (expr.type !== "MemberExpression" || expr.object.type !== "Identifier") return false;
  return expr.object.name === "assert" || (expr.object.name === "console" && memberName(expr) === "assert");
}

/** The expression itself, or what a constant it names was initialised with (a `let` may hold something else by now). */
export function constantValue(node: Node, initOf: (id: TSESTree.Identifier) => Node | null): Node {
  const expr = unwrapExpression(node);
  if (expr.type !== "Identifier") return expr;
  const init = initOf(expr);
  const declaration = init?.parent?.parent;
  return init && declaration?.type === "VariableDeclaration" && declaration.kind === "const" ? unwrapExpression(init) : expr;
}

/**
 * The function a C declaration declares, as FFI libraries take them (`'uint32 Release(void *self)'`, koffi's
 * `koffi.proto('long __stdcall Release(void *self)')`): the word before its parameters; null for anything else.
 */
export function declaredFunctionName(node: Node | null | undefined): string | null {
  const expr = node ? unwrapExpression(node) : null;
  const text =
    expr?.type === "Literal" && typeof expr.value === "string"
      ? expr.value
      : expr?.type === "CallExpression" && calleeName(expr.callee) === "proto"
        ? expr.arguments.map((a) => (a.type === "Literal" && typeof a.value === "string" ? a.value : "")).find((v) => /\(/.test(v))
        : undefined;
  if (text) return cDeclaration(text)?.name ?? null;
  // koffi's other form, `koffi.proto([convention,] name, result, [parameters])`: the name after the calling convention.
  if (expr?.type !== "CallExpression" || expr.arguments.length < 3 || expr.arguments[expr.arguments.length - 1].type !== "ArrayExpression") return null;
  const [first, second] = expr.arguments.map((a) => (a.type === "Literal" && typeof a.value === "string" ? a.value : null));
  const name = first?.startsWith("__") ? second : first;
  return name && /^\w+$/.test(name) ? name : null;
}

/** The parts of a C declaration's text a prototype is written with (`long __stdcall Release(void *self)`): its calling convention, if written, and its name. */
export function cDeclaration(text: string): { convention: string | null; name: string } | null {
  const match = /(?:(__\w+)\s+)?(\w+)\s*\(/.exec(text);
  return match ? { convention: match[1] ?? null, name: match[2] } : null;
}

/** The variables a destructuring pattern assigns (`[p, , { q = 1, ...rest }]`: `p`, `q`, `rest`). */
export function patternIdentifiers(pattern: Node, out: TSESTree.Identifier[] = []): TSESTree.Identifier[] {
  switch (pattern.type) {
    case "Identifier":
      out.push(pattern);
      break;
    case "ArrayPattern":
      for (const element of pattern.elements) if (element) patternIdentifiers(element, out);
      break;
    case "ObjectPattern":
      for (const property of pattern.properties) patternIdentifiers(property.type === "RestElement" ? property : property.value, out);
      break;
    case "RestElement":
      patternIdentifiers(pattern.argument, out);
      break;
    case "AssignmentPattern":
      patternIdentifiers(pattern.left, out);
      break;
  }
  return out;
}

/** The names a piece of code reads (`koffi.call(slot(p, 2), REL, p)`: `koffi`, `slot`, `p`, `REL`), string literals left out; not properties. */
export function namesInCode(text: string): string[] {
  return text.replace(/(["'`])(?:\\.|(?!\1).)*\1/g, "").match(/(?<![\w$.])[A-Za-z_$][\w$]*/g) ?? [];
}
