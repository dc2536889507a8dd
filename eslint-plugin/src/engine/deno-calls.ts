/**
 * Deno's FFI calls, written inline as Deno code does without a dispatcher of its own: a view over native memory
 * (`new Deno.UnsafePointerView(p)`), a call through a function pointer (`new Deno.UnsafeFnPointer(address, def).call(p)`),
 * and such a call through a slot of `p`'s own vtable (`new Deno.UnsafeFnPointer(vt.getPointer(2 * 8), def).call(p)`
 * where `vt` views `p`'s vtable).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { constantValue, dottedName, memberName, numericLiteral, slotAtByteOffset, unwrapExpression } from "./ast";
import { isFunctionNode } from "./ast-functions";

type Node = TSESTree.Node;

/** How the engine reads a variable's initialiser (symbols.ts). */
interface Lookups {
  initOf(expr: Node): Node | null;
  localFunction(callee: Node): Node | null;
}

/**
 * Deno's own native calls: what they are given stays the caller's, as with any native export (the function pointer
 * may be kept in a variable).
 */
export function isDenoNativeCall(node: TSESTree.CallExpression | TSESTree.NewExpression, lookups: Lookups): boolean {
  if (node.type === "NewExpression") return isNewOf(node, "UnsafePointerView");
  const callee = unwrapExpression(node.callee);
  if (callee.type !== "MemberExpression" || memberName(callee) !== "call") return false;
  let fn = unwrapExpression(callee.object);
  if (fn.type === "Identifier") fn = unwrapExpression(lookups.initOf(fn) ?? fn);
  return fn.type === "NewExpression" && isNewOf(fn, "UnsafeFnPointer");
}

/**
 * `new Deno.UnsafeFnPointer(vt.getPointer(S * 8), def).call(p, ...)` with `vt` a view of `p`'s own vtable
 * (`new Deno.UnsafePointerView(new Deno.UnsafePointerView(p).getPointer(0))`); each step inline or kept in a constant
 * (the vtable's address, its view, the slot's function pointer, the `UnsafeFnPointer`). The object and the slot: a
 * node (`RELEASE` of `RELEASE * 8`, `2` of `POINTER_SIZE * 2`) or a number (`16`: slot 2); null for any other call.
 */
export function denoVtableSlot(call: TSESTree.CallExpression, lookups: Lookups): { object: TSESTree.Expression; slot: Node | number } | null {
  const made = fnPointerCalled(call, lookups);
  const fn = made?.fn;
  const [object] = call.arguments;
  const read = fn?.arguments[0] ? followed(fn.arguments[0] as Node, lookups) : null;
  if (!object || object.type === "SpreadElement" || read?.type !== "CallExpression" || read.callee.type !== "MemberExpression" || memberName(read.callee) !== "getPointer") return null;
  if (!viewsVtableOf(read.callee.object, object, lookups)) return null;
  const slot = read.arguments[0] ? slotAtByteOffset(read.arguments[0] as Node) : null;
  // A slot the function making the pointer was given (`fn(2, def)` of `(slot, def) => new Deno.UnsafeFnPointer(vt.getPointer(slot * 8), def)`).
  const given = slot !== null && typeof slot !== "number" && slot.type === "Identifier" ? made?.argumentOf(slot.name) : undefined;
  if (given === null) return null;
  return slot !== null ? { object, slot: given ?? slot } : null;
}

/** A constant's value (ast.ts `constantValue`) through the file's lookups. */
function followed(node: Node, lookups: Lookups): Node {
  return constantValue(node, (id) => lookups.initOf(id));
}

/**
 * The `new Deno.UnsafeFnPointer(...)` whose `.call` this is (inline, in a constant, or what a function of the file
 * called here returns: `fn(2, def).call(ps)`), or null; `argumentOf` names what that call gives a parameter of the
 * function (null: a parameter given nothing; undefined: no parameter of that name, or no such function).
 */
function fnPointerCalled(call: TSESTree.CallExpression, lookups: Lookups): { fn: TSESTree.NewExpression; argumentOf: (name: string) => Node | null | undefined } | null {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== "MemberExpression" || memberName(callee) !== "call") return null;
  const fn = followed(callee.object, lookups);
  if (fn.type === "NewExpression" && isNewOf(fn, "UnsafeFnPointer")) return { fn, argumentOf: () => undefined };
  const maker = fn.type === "CallExpression" ? lookups.localFunction(fn.callee) : null;
  if (fn.type !== "CallExpression" || !maker || !isFunctionNode(maker)) return null;
  const body = maker.body.type === "BlockStatement" ? (maker.body.body.length === 1 && maker.body.body[0].type === "ReturnStatement" ? maker.body.body[0].argument : null) : maker.body;
  const made = body ? unwrapExpression(body) : null;
  if (made?.type !== "NewExpression" || !isNewOf(made, "UnsafeFnPointer")) return null;
  const argumentOf = (name: string): Node | null | undefined => {
    const index = maker.params.findIndex((param) => param.type === "Identifier" && param.name === name);
    if (index < 0) return undefined;
    const arg = fn.arguments[index];
    return arg && arg.type !== "SpreadElement" ? arg : null;
  };
  return { fn: made, argumentOf };
}

/** A view of `object`'s vtable: `new Deno.UnsafePointerView(new Deno.UnsafePointerView(object).getPointer(0))`, any step in a constant. */
function viewsVtableOf(view: Node, object: TSESTree.Expression, lookups: Lookups): boolean {
  const node = followed(view, lookups);
  const vtable = node.type === "NewExpression" && isNewOf(node, "UnsafePointerView") && node.arguments[0] ? followed(node.arguments[0] as Node, lookups) : null;
  if (vtable?.type !== "CallExpression" || vtable.callee.type !== "MemberExpression" || memberName(vtable.callee) !== "getPointer") return false;
  if (vtable.arguments.length > 0 && numericLiteral(vtable.arguments[0]) !== 0) return false;
  const own = followed(vtable.callee.object, lookups);
  const target = own.type === "NewExpression" && isNewOf(own, "UnsafePointerView") && own.arguments[0] ? unwrapExpression(own.arguments[0] as Node) : null;
  const name = target ? dottedName(target) : null;
  return name !== null && name === dottedName(unwrapExpression(object));
}

function isNewOf(node: TSESTree.NewExpression, name: "UnsafeFnPointer" | "UnsafePointerView"): boolean {
  return DENO_CLASS[name].test(dottedName(unwrapExpression(node.callee)) ?? "");
}

/** `Deno.UnsafeFnPointer`, or the class imported under its own name. */
const DENO_CLASS = { UnsafeFnPointer: /(?:^|\.)UnsafeFnPointer$/, UnsafePointerView: /(?:^|\.)UnsafePointerView$/ };
