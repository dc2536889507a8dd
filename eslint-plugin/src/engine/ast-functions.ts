/**
 * Pure AST questions about functions and the calls that call them, with no COM names and no state: which function
 * encloses a node or returns a value, what a function returns, which function a call calls and what it receives.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { isNullishLiteral, memberName, unwrapExpression, walk, wrappedValue } from "./ast";

type Node = TSESTree.Node;

export function isImmediatelyInvoked(node: Node): boolean {
  if (node.type !== "FunctionExpression" && node.type !== "ArrowFunctionExpression") return false;
  const parent = node.parent;
  return !!parent && parent.type === "CallExpression" && parent.callee === node;
}

/** The function a node is in (the nearest enclosing one), or null at the top level. */
export function enclosingFunction(node: Node): TSESTree.FunctionLike | null {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === "FunctionDeclaration" || current.type === "FunctionExpression" || current.type === "ArrowFunctionExpression") return current;
  }
  return null;
}

/** The function whose result `value` is: a `return`'s argument, or an arrow's expression body; null for any other. */
export function functionReturning(value: Node): TSESTree.FunctionLike | null {
  const parent = value.parent;
  if (parent?.type === "ReturnStatement") return enclosingFunction(value);
  return parent?.type === "ArrowFunctionExpression" && parent.body === value ? parent : null;
}

export function isFunctionNode(node: Node): node is TSESTree.FunctionDeclaration | TSESTree.FunctionExpression | TSESTree.ArrowFunctionExpression {
  return node.type === "FunctionDeclaration" || node.type === "FunctionExpression" || node.type === "ArrowFunctionExpression";
}

/** Is this node inside a loop of its own function (a statement that may run again after what follows it)? */
export function insideLoop(node: Node): boolean {
  for (let at = node.parent; at && !isFunctionNode(at); at = at.parent) {
    if (/^(?:For|ForIn|ForOf|While|DoWhile)Statement$/.test(at.type)) return true;
  }
  return false;
}

/** What a function returns: its expression body, or each `return`'s argument (null for a bare `return`); none without a return. */
export function returnedValues(fn: TSESTree.FunctionLike): (Node | null)[] {
  if (!fn.body) return [];
  if (fn.body.type !== "BlockStatement") return [fn.body];
  const values: (Node | null)[] = [];
  walk(fn.body, (node) => {
    if (node.type === "ReturnStatement" && enclosingFunction(node) === fn) values.push(node.argument);
  });
  return values;
}

/** `f.call`: the member by which `f` is called with `Function.prototype.call`, or Deno's `UnsafeFnPointer#call`. */
function isDotCall(node: Node): node is TSESTree.MemberExpression {
  return node.type === "MemberExpression" && !node.computed && memberName(node) === "call";
}

/**
 * The call that calls `value` at once: `value(...)`, or through `.call` as Deno calls a function pointer
 * (`lookup(p, 2, def).call(p)`, `fn.call(p)` of a function kept in `fn`); null otherwise.
 */
export function callOf(value: Node): TSESTree.CallExpression | null {
  const wrapped = wrappedValue(value);
  const parent = wrapped.parent;
  if (parent?.type === "CallExpression" && parent.callee === wrapped) return parent;
  const member = parent && isDotCall(parent) && parent.object === wrapped ? parent : null;
  return member?.parent?.type === "CallExpression" && member.parent.callee === member ? member.parent : null;
}

/** The function a call calls: its callee, or `f` of `f.call(...)` (`callOf`'s inverse). */
export function functionCalledBy(call: TSESTree.CallExpression): Node {
  const callee = unwrapExpression(call.callee);
  return isDotCall(callee) ? unwrapExpression(callee.object) : callee;
}

/** The call whose result `outer` calls at once (`lookup(p, 2, proto)(p)`, `lookup(p, 2, def).call(p)`), or null. */
export function resultCalledBy(outer: TSESTree.CallExpression): TSESTree.CallExpression | null {
  const fn = functionCalledBy(outer);
  return fn.type === "CallExpression" ? fn : null;
}

/**
 * What the function a call calls receives: its arguments, less the `this` of `Function.prototype.call` when it is given
 * as `null` or `undefined` (koffi's `lookup(p, 2, proto).call(null, p)`; Deno's `fn.call(p)` passes `p` itself).
 */
export function passedArguments(call: TSESTree.CallExpression): TSESTree.CallExpressionArgument[] {
  const [first] = call.arguments;
  return isDotCall(unwrapExpression(call.callee)) && first && first.type !== "SpreadElement" && isNullishLiteral(first) ? call.arguments.slice(1) : call.arguments;
}

/** Array methods that call the function they are given before they return. */
const ITERATES_AT_ONCE = new Set(["map", "forEach", "filter", "some", "every", "find", "findIndex", "findLast", "findLastIndex", "flatMap", "reduce", "reduceRight", "sort"]);

/**
 * Does this function run while the expression that makes it runs: called at once, the callback of an array's own
 * iteration (`items.map((x) => ...)`), or the callback a wrapper runs (`wrapperCallbackIndex` of the callee, for
 * `withBstr(value, (b) => ...)`)? Not one given to `setTimeout` or `push`, which may run it later.
 */
export function runsAtOnce(fn: Node, wrapperCallbackIndex: (callee: Node) => number | null): boolean {
  if (isImmediatelyInvoked(fn)) return true;
  const call = fn.parent;
  if (call?.type !== "CallExpression" || call.callee === fn) return false;
  const callee = unwrapExpression(call.callee);
  if (callee.type === "MemberExpression" && call.arguments[0] === fn && ITERATES_AT_ONCE.has(memberName(callee) ?? "")) return true;
  return call.arguments[wrapperCallbackIndex(call.callee) ?? -1] === fn;
}
