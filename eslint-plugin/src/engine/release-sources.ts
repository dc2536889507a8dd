/**
 * What a release call of the file says beyond its own text: the lookup a function's constant holds when the Release is
 * called through it, whether it calls a release helper of the file, the helpers whose summaries release an argument,
 * and the acquirer of the pointer released. The release forms (release-forms.ts) are written from these.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, sameExpression, unwrapExpression } from "./ast";
import { summaryOfCall } from "./call-effects";
import type { FfiShapes } from "./ffi";
import type { Summary } from "./model";
import type { ApiCall } from "./recognizer";
import { forEachEvent, type FunctionGraph } from "./segment-graph";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

/**
 * `Release(item)` after `const Release = vtableSlot(item, 2, proto)` in the same function: that lookup of a vtable
 * slot, else null (`const release = core.func("void CFRelease(void *value)")` is no lookup of the object's).
 */
export function boundLookupOf(call: TSESTree.CallExpression, symbols: Symbols, ffi: FfiShapes | null | undefined): Node | null {
  const callee = unwrapExpression(call.callee);
  if (callee.type !== "Identifier" || call.arguments.length === 0 || symbols.isModuleVariable(callee)) return null;
  const init = symbols.declaredInit(callee);
  const lookup = init ? unwrapExpression(init) : null;
  // (The lookup of the object released: `const Release = vtableSlot(proto, 2, P); Release(x)` is no form for `x`.)
  const found = lookup?.type === "CallExpression" ? ffi?.vtableCall(lookup) : null;
  return found && call.arguments[0] && sameExpression(found.object, call.arguments[0]) ? lookup : null;
}

/** `release(p)`: a call of a release function of the file (not a dispatcher's call of the Release slot). */
export function callsReleaseHelper(call: TSESTree.CallExpression, viaFunction: boolean, symbols: Symbols, ffi: FfiShapes | null | undefined): boolean {
  return viaFunction && symbols.localFunction(call.callee) !== null && !ffi?.vtableCall(call);
}

/** Calls of helpers whose summaries release an argument (`comReleaseSafe(g.device)`), with that argument: forms too. */
export function helperReleaseCalls(graphs: Iterable<FunctionGraph>, summaryOf: (fn: Node) => Summary | null): { node: Node; target: Node }[] {
  const out: { node: Node; target: Node }[] = [];
  forEachEvent(graphs, (event) => {
    if (event.k !== "callLocal") return;
    const summary = summaryOfCall(event, summaryOf);
    for (let i = 0; i < event.args.length; i++) if (summary?.params[i]?.kind === "release") out.push({ node: event.node, target: event.args[i].expr });
  });
  return out;
}

/**
 * The acquirer of the pointer a release is given, where the code shows it: a variable bound to a helper's result
 * (`const list = createList(...)`: `createList`) or to a box's read, the box given to an acquiring call
 * (`AVIFileOpenW(box.ptr, ...)`; `box.readBigUInt64LE(0)`): that call's acquirer, in the recognizer's words.
 */
export function acquirerOfPointer(
  target: Node,
  lookups: { initOf(node: Node): Node | null; referencesOf(node: TSESTree.Identifier): TSESTree.Identifier[] },
  readBox: (node: Node) => { box: TSESTree.Expression } | null,
  classify: (call: TSESTree.CallExpression) => ApiCall | null,
): string | null {
  const pointer = unwrapExpression(target);
  const init = pointer.type === "Identifier" ? lookups.initOf(pointer) : null;
  if (!init) return null;
  if (init.type === "CallExpression" && !readBox(init)) return calleeName(init.callee);
  const box = readBox(init)?.box;
  if (box?.type !== "Identifier") return null;
  for (const ref of lookups.referencesOf(box)) {
    let node: Node = ref;
    for (let depth = 0; depth < 3 && node.parent; depth++, node = node.parent) {
      const parent: Node = node.parent;
      if (parent.type === "CallExpression" && parent.callee !== node) {
        const api = classify(parent);
        if (api?.kind === "acquire") return api.acquirer;
        break;
      }
    }
  }
  return null;
}
