/**
 * The findings the transitions make (transitions.ts), built from the resource and the fact
 * that is wrong: what a message and a repair need to know of it.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Fact } from "./facts";
import type { CancelWithoutFinish, Exit, MissingRelease, Sink, UseAfterRelease } from "./findings";
import type { EngineContext, Resource } from "./model";

type Node = TSESTree.Node;

/** The method of the call a Begin_ started. */
export function pendingMethod(ctx: EngineContext, begin: Node): string {
  return ctx.beginInfo(begin)?.method ?? "";
}

/** A use of a pointer whose acquisition may have failed (unchecked-query-interface); raw FFI pointers are not reported. */
export function reportUnchecked(res: Resource, node: Node, sink: Sink): void {
  if (res.ffi) return;
  sink.report({ kind: "unchecked-query-interface", node, pointer: res.name, acquisition: res.site, acquirer: res.acquirer });
}

export function cancelWithoutFinishFinding(ctx: EngineContext, call: Resource, fact: Fact, reached: { exit: Exit } | { release: Node }): CancelWithoutFinish {
  const cancelNode = fact.site!;
  return {
    kind: "cancel-without-finish",
    node: cancelNode,
    call: call.name,
    cancel: ctx.text(calleeOf(cancelNode)),
    method: fact.begin ? pendingMethod(ctx, fact.begin) : null,
    reached,
  };
}

/** A missing-release finding for `res`: reached at an exit (every leaking exit known), or where it is acquired again. */
export function missingReleaseFinding(ctx: EngineContext, scope: Node, res: Resource, reached: MissingRelease["reached"], exits: Exit[], releasedOnSomePath: boolean): MissingRelease {
  // A pointer released through a table linked from its own vtable is released the way that table is (linked-tables.ts).
  const table = ctx.tableReleases.formFor(res, exits);
  return {
    kind: "missing-release",
    node: res.site,
    pointer: res.name,
    acquirer: res.acquirer,
    reached,
    // A loop's previous object may be held by another variable by now (`previous = element; element = next[0]`):
    // a repair written for its first name could release the wrong one.
    owner: res.previousInstance ? null : res.ownerStatement,
    exits,
    mayBeNull: res.mayFail,
    releasedOnSomePath,
    releaseText: table?.text ?? ctx.releaseText(res.name, res.mayFail, res.ffi, res.acquirer),
    ...(table?.validFrom !== undefined ? { releaseValidFrom: table.validFrom } : {}),
    ...((table ? table.guess : ctx.releaseIsGuess(res.name, res.ffi)) ? { releaseIsGuess: true } : {}),
    scope,
  };
}

/** How a use after Release reads: a method called on the pointer (by name, or through its vtable), the pointer passed on, or another use. */
export function describeUse(ctx: EngineContext, node: Node, res: Resource): UseAfterRelease["use"] {
  if (node.type !== "CallExpression") return "use";
  // `vcall(p, IFOO_GETSIZE, [], [])`, `koffi.call(slot(p, 5), proto, p)`: the pointer is not handed on, its method is called.
  const vtable = res.ffi ? ctx.vtableCall(node) : null;
  if (vtable && ctx.text(vtable.object) === res.name) return { vtable: ctx.vocabulary.slotMethodName(vtable.method) };
  const callee = node.callee.type === "ChainExpression" ? node.callee.expression : node.callee;
  if (callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier" && ctx.text(callee.object) === res.name) return { calls: callee.property.name };
  return "pass";
}

/** What a message names a call by: its callee (`cancel.Cancel`); any other node itself. */
export function calleeOf(node: Node): Node {
  return node.type === "CallExpression" ? node.callee : node;
}
