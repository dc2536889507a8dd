/**
 * Text edits the rules' repairs are made of. Every edit keeps the code
 * parseable, and puts the new statement on the same path as the place it
 * repairs: a statement that is the unbraced body of an `if` or a loop gets
 * braces. The tests re-parse and re-lint every suggestion's output.
 */
import type { TSESLint, TSESTree } from "@typescript-eslint/utils";
type Scope = TSESLint.Scope.Scope;
import { isNullishLiteral, namesInCode, walk } from "../engine/ast";

type Node = TSESTree.Node;
type Fixer = TSESLint.RuleFixer;
export type SourceCode = Readonly<TSESLint.SourceCode>;

export function indentOf(sourceCode: SourceCode, node: Node): string {
  const line = sourceCode.lines[node.loc.start.line - 1] ?? "";
  return /^\s*/.exec(line)?.[0] ?? "";
}

export function isBlockLike(node: Node | undefined): node is TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock {
  return !!node && (node.type === "BlockStatement" || node.type === "Program" || node.type === "StaticBlock");
}

export function bodyOf(node: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock): Node[] {
  return node.body as Node[];
}

/** Does a new statement go directly into this statement's parent (a block or a switch case)? */
function sitsInBlock(statement: Node): boolean {
  return isBlockLike(statement.parent) || statement.parent?.type === "SwitchCase";
}

/** The innermost statement containing `node` (it stops at an unbraced body, unlike enclosingStatement). */
export function enclosingStatementOrBody(node: Node): Node | null {
  let current: Node | undefined = node;
  while (current) {
    if (current.type.endsWith("Statement") || current.type === "VariableDeclaration") return current;
    current = current.parent;
  }
  return null;
}

/** Inserts `text` as a statement before the statement containing `anchor`. */
export function insertBefore(fixer: Fixer, sourceCode: SourceCode, anchor: Node, text: string): TSESLint.RuleFix {
  const statement = anchor.type.endsWith("Statement") || anchor.type.endsWith("Declaration") ? anchor : (enclosingStatementOrBody(anchor) ?? anchor);
  if (sitsInBlock(statement)) return fixer.insertTextBefore(statement, `${text}\n${indentOf(sourceCode, statement)}`);
  return fixer.replaceText(statement, `{ ${text} ${sourceCode.getText(statement)} }`);
}

/**
 * Inserts `text` after the statement containing `anchor`, and after the
 * statements that directly follow it and match `alsoSkip` (a Cancel is
 * followed by the cancel pointer's Release: the Finish_ goes after both).
 */
export function insertAfter(fixer: Fixer, sourceCode: SourceCode, anchor: Node, text: string, alsoSkip: RegExp | null): TSESLint.RuleFix | null {
  const statement = enclosingStatementOrBody(anchor);
  if (!statement) return null;
  if (!sitsInBlock(statement)) return fixer.replaceText(statement, `{ ${sourceCode.getText(statement)} ${text} }`);
  let last = statement;
  if (alsoSkip && isBlockLike(statement.parent)) {
    const body = bodyOf(statement.parent);
    let i = body.indexOf(statement);
    while (i + 1 < body.length && alsoSkip.test(sourceCode.getText(body[i + 1]))) i++;
    last = body[i];
  }
  return fixer.insertTextAfter(last, `\n${indentOf(sourceCode, statement)}${text}`);
}

/**
 * Wraps the statements after `owner` in its block in `try { ... } finally { text }`, or null when they cannot move.
 * Exits on a null `pointer` right after `owner` (`if (!p) return 0;`) stay before the `try`: a `finally` would
 * release a pointer that is not there.
 */
export function wrapRestInFinally(fixer: Fixer, sourceCode: SourceCode, owner: Node, text: string, pointer: string, leaking: readonly Node[] = []): TSESLint.RuleFix | null {
  const rest = wrappableRest(owner, sourceCode, pointer, leaking);
  if (rest === null) return null;
  const indent = indentOf(sourceCode, owner);
  const first = rest[0];
  const last = rest[rest.length - 1];
  const inner = sourceCode.text.slice(first.range[0], last.range[1]).replace(/\n/g, "\n  ");
  return fixer.replaceTextRange([first.range[0], last.range[1]], `try {\n${indent}  ${inner}\n${indent}} finally {\n${indent}  ${text}\n${indent}}`);
}

/**
 * The statements wrapRestInFinally would wrap, or null when there are none or they cannot move. Tests that leave when
 * the pointer is null stay before the `try`, unless they leave by an exit where it leaks (`leaking`: `if (!ready || !p)
 * return` leaks `p` when only `ready` is false).
 */
export function wrappableRest(owner: Node, sourceCode: SourceCode, pointer: string, leaking: readonly Node[] = []): Node[] | null {
  const block = owner.parent;
  if (!isBlockLike(block)) return null;
  const body = bodyOf(block);
  let from = body.indexOf(owner) + 1;
  while (from < body.length && exitsOnNull(body[from], sourceCode, pointer) && !leaking.some((exit) => exit.range[0] >= body[from].range[0] && exit.range[1] <= body[from].range[1])) from++;
  const rest = body.slice(from);
  const movable = rest.length > 0 && !rest.some((s) => s.type === "ImportDeclaration" || s.type.startsWith("Export") || s.type === "FunctionDeclaration" || s.type === "ClassDeclaration");
  return movable ? rest : null;
}

/** `if (!p) return 0;`, `if (p === null) { log(); throw e; }`: the statement leaves the block when `pointer` is null. */
function exitsOnNull(statement: Node, sourceCode: SourceCode, pointer: string): boolean {
  if (statement.type !== "IfStatement" || statement.alternate) return false;
  // The pointer itself, or the object it is a field of (`if (!target) return` for `target.item`).
  const isPointerOrOwner = (node: Node) => {
    const text = sourceCode.getText(node);
    return text === pointer || pointer.startsWith(`${text}.`);
  };
  // Also one disjunct of the test (`if (hr < 0 || !p) return`): past the statement, every disjunct was false.
  const testsNull = (test: Node): boolean =>
    (test.type === "LogicalExpression" && test.operator === "||" && (testsNull(test.left) || testsNull(test.right))) ||
    (test.type === "UnaryExpression" && test.operator === "!" && isPointerOrOwner(test.argument)) ||
    (test.type === "BinaryExpression" && (test.operator === "===" || test.operator === "==") && ((isPointerOrOwner(test.left) && isNullishLiteral(test.right)) || (isPointerOrOwner(test.right) && isNullishLiteral(test.left as Node))));
  if (!testsNull(statement.test)) return false;
  const jump = statement.consequent.type === "BlockStatement" ? statement.consequent.body[statement.consequent.body.length - 1] : statement.consequent;
  return !!jump && /^(Return|Throw|Break|Continue)Statement$/.test(jump.type);
}

/** Inserts `text` at the end of `owner`'s block (before a final jump, where it still runs). */
export function insertAtBlockEnd(fixer: Fixer, sourceCode: SourceCode, owner: Node, text: string): TSESLint.RuleFix | null {
  const block = owner.parent;
  if (!isBlockLike(block)) return null;
  const body = bodyOf(block);
  const last = body[body.length - 1];
  const indent = indentOf(sourceCode, owner);
  if (/^(Return|Throw|Break|Continue)Statement$/.test(last.type)) return fixer.insertTextBefore(last, `${text}\n${indent}`);
  return fixer.insertTextAfter(last, `\n${indent}${text}`);
}

/**
 * Does what `insertAtBlockEnd` writes run when the block's statements complete? Not after `try { return f(p) } finally
 * {...}`, where the function's end is reached only by the exception: a Release written there would never run. Judged
 * by the statements' shape (returns and throws, both branches of an `if`, a `try`'s block and handler, its `finally`);
 * a final jump is written before, so it does not count.
 */
export function reachesBlockEnd(block: TSESTree.BlockStatement | TSESTree.Program | TSESTree.StaticBlock): boolean {
  const body = bodyOf(block);
  const last = body[body.length - 1];
  return (last && /^(Return|Throw|Break|Continue)Statement$/.test(last.type) ? body.slice(0, -1) : body).every(completesNormally);
}

function completesNormally(statement: Node): boolean {
  switch (statement.type) {
    case "ReturnStatement":
    case "ThrowStatement":
      return false;
    case "BlockStatement":
      return statement.body.every(completesNormally);
    case "IfStatement":
      return completesNormally(statement.consequent) || !statement.alternate || completesNormally(statement.alternate);
    case "TryStatement":
      if (statement.finalizer && !completesNormally(statement.finalizer)) return false;
      return completesNormally(statement.block) || (statement.handler !== null && completesNormally(statement.handler.body));
    // `for (;;)`, `while (true)`: left only by a `break` (any inside counts) or a jump out of the function.
    case "ForStatement":
      return statement.test !== null || containsBreak(statement.body);
    case "WhileStatement":
    case "DoWhileStatement":
      return !(statement.test.type === "Literal" && statement.test.value === true) || containsBreak(statement.body);
    default:
      return true;
  }
}

function containsBreak(root: Node): boolean {
  let found = false;
  walk(root, (node) => {
    if (node.type === "BreakStatement") found = true;
  });
  return found;
}

/** The variable a name refers to where code is written at `at` (its scopes, innermost first), or null for none. */
function variableNamed(sourceCode: SourceCode, name: string, at: Node): TSESLint.Scope.Variable | null {
  for (let scope: Scope | null = sourceCode.getScope(at); scope; scope = scope.upper) {
    const variable = scope.set.get(name);
    if (variable) return variable;
  }
  return null;
}

/**
 * Does each of these names name a variable of a scope around `at`, a parameter or declared before it? (`box` in a
 * `call.Finish_GetPrice(box)` copied from another function: only where this function has a `box` of its own.)
 */
export function namesDeclaredAt(sourceCode: SourceCode, names: readonly string[], at: Node): boolean {
  return names.every((name) => {
    const variable = variableNamed(sourceCode, name, at);
    const def = variable?.defs[0];
    // (A `var` declared further down is hoisted, but holds `undefined` until then.)
    return variable !== null && (!def || def.type === "FunctionName" || def.type === "Parameter" || def.name.range[1] <= at.range[0]);
  });
}

/**
 * Can code written at `position` (inside `at`'s scope) name everything `text` names? Not a `const`, `let` or class of
 * an enclosing scope declared after that point (`koffi.call(releasePtr, ...)` before `const releasePtr = ...`: a
 * ReferenceError there). Names the scopes do not declare (globals, imports' members) are taken as visible.
 */
export function namesVisibleAt(sourceCode: SourceCode, text: string, at: Node, position: number): boolean {
  for (const name of new Set(namesInCode(text))) {
    const def = variableNamed(sourceCode, name, at)?.defs[0];
    const hoisted = def?.type === "FunctionName" || def?.type === "Parameter" || def?.type === "ImportBinding" || (def?.type === "Variable" && (def.parent as { kind?: string } | null)?.kind === "var");
    if (def && !hoisted && def.name.range[0] > position) return false;
  }
  return true;
}
