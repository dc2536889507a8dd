/**
 * Deno's FFI calls, written inline as Deno code does without a dispatcher of its own: a view over native memory
 * (`new Deno.UnsafePointerView(p)`), a call through a function pointer (`new Deno.UnsafeFnPointer(address, def).call(p)`),
 * and such a call through a slot of `p`'s own vtable (`new Deno.UnsafeFnPointer(vt.getPointer(2 * 8), def).call(p)`
 * where `vt` views `p`'s vtable).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { dottedName, memberName, numericLiteral, unwrapExpression } from "./ast";

type Node = TSESTree.Node;

/** How the engine reads a variable's initialiser (symbols.ts). */
interface Lookups {
  initOf(expr: Node): Node | null;
}

/**
 * Deno's own native calls: what they are given stays the caller's, as with any native export (the function pointer
 * may be kept in a variable).
 */
export function isDenoNativeCall(node: TSESTree.CallExpression | TSESTree.NewExpression, lookups: Lookups): boolean {
  if (node.type === "NewExpression") return isNewOf(node, "UnsafePointerView");
  return fnPointerCalled(node, lookups) !== null;
}

/**
 * `new Deno.UnsafeFnPointer(vt.getPointer(S * 8), def).call(p, ...)` with `vt` a view of `p`'s own vtable
 * (`new Deno.UnsafePointerView(new Deno.UnsafePointerView(p).getPointer(0))`, inline or in a constant): the object and
 * the slot, a node (`RELEASE` of `RELEASE * 8`) or a number (`16`: slot 2); null for any other call.
 */
export function denoVtableSlot(call: TSESTree.CallExpression, lookups: Lookups): { object: TSESTree.Expression; slot: Node | number } | null {
  const fn = fnPointerCalled(call, lookups);
  const [object] = call.arguments;
  const read = fn?.arguments[0] ? unwrapExpression(fn.arguments[0] as Node) : null;
  if (!object || object.type === "SpreadElement" || read?.type !== "CallExpression" || read.callee.type !== "MemberExpression" || memberName(read.callee) !== "getPointer") return null;
  if (!viewsVtableOf(read.callee.object, object, lookups)) return null;
  const offset = read.arguments[0] ? unwrapExpression(read.arguments[0] as Node) : null;
  if (offset?.type === "BinaryExpression" && offset.operator === "*") return { object, slot: offset.left };
  const bytes = offset ? numericLiteral(offset as TSESTree.CallExpressionArgument) : null;
  return bytes !== null && bytes % 8 === 0 ? { object, slot: bytes / 8 } : null;
}

/** The `new Deno.UnsafeFnPointer(...)` whose `.call` this is (inline or in a variable), or null. */
function fnPointerCalled(call: TSESTree.CallExpression, lookups: Lookups): TSESTree.NewExpression | null {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== "MemberExpression" || memberName(callee) !== "call") return null;
  let fn = unwrapExpression(callee.object);
  if (fn.type === "Identifier") fn = unwrapExpression(lookups.initOf(fn) ?? fn);
  return fn.type === "NewExpression" && isNewOf(fn, "UnsafeFnPointer") ? fn : null;
}

/** `new Deno.UnsafePointerView(new Deno.UnsafePointerView(p).getPointer(0))`, or a constant holding it. */
function viewsVtableOf(view: Node, object: TSESTree.Expression, lookups: Lookups): boolean {
  let node = unwrapExpression(view);
  if (node.type === "Identifier") node = unwrapExpression(lookups.initOf(node) ?? node);
  const vtable = node.type === "NewExpression" && isNewOf(node, "UnsafePointerView") && node.arguments[0] ? unwrapExpression(node.arguments[0] as Node) : null;
  if (vtable?.type !== "CallExpression" || vtable.callee.type !== "MemberExpression" || memberName(vtable.callee) !== "getPointer") return false;
  if (vtable.arguments.length > 0 && numericLiteral(vtable.arguments[0]) !== 0) return false;
  const own = unwrapExpression(vtable.callee.object);
  const target = own.type === "NewExpression" && isNewOf(own, "UnsafePointerView") && own.arguments[0] ? unwrapExpression(own.arguments[0] as Node) : null;
  const name = target ? dottedName(target) : null;
  return name !== null && name === dottedName(unwrapExpression(object));
}

function isNewOf(node: TSESTree.NewExpression, name: string): boolean {
  return new RegExp(`(?:^|\\.)${name}$`).test(dottedName(unwrapExpression(node.callee)) ?? "");
}
