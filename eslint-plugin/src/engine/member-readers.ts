/**
 * Summaries of functions that only read what they are given: a helper naming no protocol method can hand on no
 * more than the members it reads of its parameters (summaries.ts asks for one where solving gives none).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { ParamEffect, Summary } from "./model";
import { enclosingFunction, runsAtOnce } from "./ast-functions";
import { isValueUse } from "./helper-shapes";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

/**
 * A function that names no protocol method, given an object, can only hand on what it reads of it.
 * When every parameter is used only through its members (`code.bytes`, `code.ptr`), as a value
 * (`address + 8n`, `address.toString(16)`, `BigInt(size)`), or as an argument of native code
 * (`ReadProcessMemory(process, address, ...)`: COM's rule for in-parameters), each stays the caller's,
 * with the members read taken as handed on; a parameter used otherwise gives no summary.
 */
export function memberReaderSummary(fn: TSESTree.FunctionLike, symbols: Symbols, onlyUses: (call: TSESTree.CallExpression, index: number) => boolean): Summary | null {
  const paramIndex = new Map<string, number>();
  fn.params.forEach((declared, i) => {
    const param = declared.type === "AssignmentPattern" ? declared.left : declared;
    if (param.type === "Identifier") paramIndex.set(param.name, i);
  });
  // Each parameter on its own: one kept or handed on (`escape`) leaves the others the caller's.
  const params = fn.params.map((declared, i): ParamEffect => {
    const param = declared.type === "AssignmentPattern" ? declared.left : declared;
    const uses = param.type === "Identifier" ? paramUses(fn, param, symbols, onlyUses, (name) => (paramIndex.get(name) ?? i) !== i ? paramIndex.get(name)! : null) : null;
    if (uses === null) return { kind: "escape" };
    if (uses.into !== null) return { kind: "escape", into: uses.into };
    return uses.members.size > 0 ? { kind: "none", members: [...uses.members] } : { kind: "none" };
  });
  return params.some((p) => p.kind === "none" || (p.kind === "escape" && p.into !== undefined)) ? { params, returns: null } : null;
}

/**
 * What a function does with a parameter, when it does no more than read it, fill it, or copy it into another
 * parameter; else null. `members`: the members it reads (taken as handed on); `into`: the other parameter it
 * copies the parameter or its elements into (`cached[i] = incoming[i]`), which then holds them.
 */
function paramUses(
  fn: TSESTree.FunctionLike,
  param: TSESTree.Identifier,
  symbols: Symbols,
  onlyUses: (call: TSESTree.CallExpression, index: number) => boolean,
  otherParam: (name: string) => number | null,
): { members: Set<string>; into: number | null } | null {
  const members = new Set<string>();
  let into: number | null = null;
  // `q[i] = p[i]`, `q.x = p`: copied into the parameter `q`, and into nothing else.
  const copiedInto = (value: Node): boolean => {
    const user = value.parent;
    if (user?.type !== "AssignmentExpression" || user.right !== value || user.operator !== "=" || user.left.type !== "MemberExpression") return false;
    const holder = user.left.object;
    const index = holder.type === "Identifier" ? otherParam(holder.name) : null;
    if (index === null || (into !== null && into !== index)) return false;
    into = index;
    return true;
  };
  for (const ref of symbols.referencesOf(param)) {
    if (ref === param) continue;
    // In a closure that may run after the call (`return () => vcall(p, 4)`, `setTimeout(...)`): kept, unless only printed or compared.
    if (!runsWithCall(ref, fn, symbols) && !isValueUse(ref, () => false)) return null;
    if (isValueUse(ref, onlyUses)) continue;
    if (copiedInto(ref)) continue;
    const parent = ref.parent;
    if (parent?.type !== "MemberExpression" || parent.object !== ref) return null;
    const user = parent.parent;
    // Filled (`p.length = n`, `p[i] = v`): what it held before is overwritten, not handed on.
    if (user?.type === "AssignmentExpression" && user.left === parent) continue;
    if (parent.computed) {
      // An element compared (`incoming[i] !== cached[i]`) or copied into another parameter.
      if (user?.type === "BinaryExpression" || copiedInto(parent)) continue;
      return null;
    }
    // Called (`p.dispose()`): more than a read.
    if (parent.property.type !== "Identifier" || (user?.type === "CallExpression" && user.callee === parent)) return null;
    // An array's or a string's `length` is a number: reading it hands on nothing.
    if (parent.property.name !== "length") members.add(parent.property.name);
  }
  return { members, into };
}

/** Does the code at `ref` run during a call of `fn`: in its own body, or in functions it runs at once (an IIFE, a wrapper's callback)? */
function runsWithCall(ref: Node, fn: TSESTree.FunctionLike, symbols: Symbols): boolean {
  for (let inner = enclosingFunction(ref); inner && inner !== fn; inner = enclosingFunction(inner)) if (!runsAtOnce(inner, (callee) => symbols.wrapperCallbackIndex(callee))) return false;
  return true;
}
