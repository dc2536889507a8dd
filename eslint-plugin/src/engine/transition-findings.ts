/**
 * The findings the transitions make (transitions.ts), built from the resource and the fact
 * that is wrong: what a message and a repair need to know of it.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { Phase } from "./facts";
import type { Fact, FactTable, IdSet } from "./facts";
import type { CancelWithoutFinish, Exit, MissingRelease, Sink, UseAfterRelease } from "./findings";
import type { EngineContext, Resource } from "./model";
import { dottedName, isResultUsed, memberName, unwrapExpression } from "./ast";
import { isTableCall } from "./vtable-tables";

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

export function cancelWithoutFinishFinding(
  ctx: EngineContext,
  call: Resource,
  fact: Fact,
  reached: { exit: Exit } | { release: Node },
  where: Pick<CancelWithoutFinish, "finishedThere" | "finishMayFollow">,
): CancelWithoutFinish {
  const cancelNode = fact.site!;
  return {
    kind: "cancel-without-finish",
    node: cancelNode,
    call: call.name,
    cancel: shownCall(ctx, cancelNode, ctx.vocabulary.slotMethodName({ role: "cancel" })),
    method: fact.begin ? pendingMethod(ctx, fact.begin) : null,
    reached,
    raw: fact.begin !== null && begunThroughVtable(ctx, fact.begin),
    ...where,
  };
}

/** A missing-release finding for `res`: reached at an exit (every leaking exit known), or where it is acquired again. */
export function missingReleaseFinding(ctx: EngineContext, scope: Node, res: Resource, reached: MissingRelease["reached"], exits: Exit[], releasedOnSomePath: boolean): MissingRelease {
  // A pointer released through a table linked from its own vtable is released the way that table is (linked-tables.ts).
  const table = ctx.tableReleases.formFor(res, exits);
  const named = table ? { pointer: res.name, owner: res.ownerStatement } : namedWhereLeaked(res, reached, exits);
  const { pointer } = named;
  // A box filled again before its pointer was read: a repair naming the box after that would release the other pointer.
  const refill = res.boxRefilledAt;
  const owner = refill && exits.some((exit) => exit.node === null || exit.node.range[0] >= refill.range[0]) ? null : named.owner;
  return {
    kind: "missing-release",
    node: res.site,
    pointer,
    acquirer: res.acquirer,
    reached,
    // A loop's previous object may be held by another variable by now (`previous = element; element = next[0]`):
    // a repair written for its first name could release the wrong one.
    owner: res.previousInstance ? null : owner,
    exits,
    mayBeNull: res.mayFail,
    releasedOnSomePath,
    releaseText: table?.text ?? ctx.releaseText(pointer, res.mayFail, res.ffi, res.acquirer),
    ...(table?.validFrom !== undefined ? { releaseValidFrom: table.validFrom } : {}),
    ...((table ? table.guess : ctx.releaseIsGuess(res.name, res.ffi)) ? { releaseIsGuess: true } : {}),
    ...(res.name === res.siteName && !res.fromBox ? { unnamed: true } : {}),
    scope,
  };
}

/**
 * The pointer's name where it leaks, and the statement a repair starts from: the box it is still in (`folder[0]`) when
 * the exit reached comes before the binding that names it (`const parent = folder[0]`) or after the block it is made
 * in, where that variable does not exist. A repair is written only when every leaking exit is on one side of it.
 */
function namedWhereLeaked(res: Resource, reached: MissingRelease["reached"], exits: readonly Exit[]): { pointer: string; owner: Node | null } {
  const inBox = res.inBox;
  if (!inBox || !("exit" in reached)) return { pointer: res.name, owner: res.ownerStatement };
  const within = (exit: Exit, block: Node) => exit.range[0] >= block.range[0] && exit.range[1] <= block.range[1];
  // Before the binding, or a `return` or `throw` outside the scope of its variable (`if (a) { const quote = out[0] }`,
  // then `if (b) return`), with every variable of the read in scope there. (The end of the function is where the
  // engine sees a pointer its variable's block left unreleased (`else { const device = box.read...; use(device) }`):
  // named by that variable, whose block's end the repair releases it at.)
  const boxNamed = (exit: Exit) =>
    exit.node !== null && (exit.range[0] < inBox.boundAt.range[0] || !within(exit, inBox.bindingScope)) && inBox.readScopes.every((block) => within(exit, block));
  if (!boxNamed(reached.exit)) return { pointer: res.name, owner: res.ownerStatement };
  return { pointer: inBox.name, owner: exits.every(boxNamed) ? inBox.owner : null };
}

/** How a use after Release reads: a method called on the pointer (by name, or through its vtable), the pointer passed on, or another use. */
export function describeUse(ctx: EngineContext, node: Node, res: Resource): UseAfterRelease["use"] {
  if (node.type !== "CallExpression") return "use";
  // `vcall(p, IFOO_GETSIZE, [], [])`, `koffi.call(slot(p, 5), proto, p)`: the pointer is not handed on, its method is called.
  // The use may be the lookup of the method in the pointer's vtable, inside the call (`koffi.call(methodAddress(p, 5), proto, p)`).
  const outer = node.parent?.type === "CallExpression" && node.parent.arguments[0] === node ? node.parent : null;
  for (const call of outer ? [node, outer] : [node]) {
    const vtable = res.ffi ? ctx.vtableCall(call) : null;
    if (vtable && pointerText(ctx, vtable.object) === res.name) return { vtable: ctx.vocabulary.slotMethodName(vtable.method) };
  }
  const callee = node.callee.type === "ChainExpression" ? node.callee.expression : node.callee;
  // `vt.GetSize(p)`: a function of the object's own table, given the object (not `lib.symbols.X(p)`, a library's export).
  if (res.ffi && isTableCall(node) && callee.type === "MemberExpression" && !/(?:^|\.)symbols$/.test(dottedName(callee.object) ?? "")) {
    const [first] = node.arguments;
    const method = memberName(callee);
    if (first && first.type !== "SpreadElement" && method !== null && pointerText(ctx, first) === res.name) return { vtable: method };
  }
  if (callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier" && ctx.text(callee.object) === res.name) return { calls: callee.property.name };
  // `drop(p)` again, where that function of the file releases what it is given: a second Release, not a pass.
  const local = ctx.localFunction(callee);
  const index = node.arguments.findIndex((arg) => pointerText(ctx, arg) === res.name);
  if (local && index >= 0 && ctx.summaryOf(local)?.params[index]?.kind === "release") return "release";
  return "pass";
}

/** The text of the pointer an expression names, through conversions of its value (`BigInt(p)`, `Number(p)`, `p as bigint`). */
function pointerText(ctx: EngineContext, expression: Node): string {
  return ctx.text(unwrapExpression(ctx.unconverted(expression)));
}

/** Was this Begin_ a call through a vtable (`vcall(call, ..._BEGIN_X)`), as the recognizer classified it? Its object has no Finish_ method. */
export function begunThroughVtable(ctx: EngineContext, begin: Node): boolean {
  return ctx.beginInfo(begin)?.viaVtable === true;
}

/** Longer calls are shown up to their second argument: enough for a dispatcher's object and slot. */
const SHOWN_CALL_LENGTH = 60;

/**
 * How a protocol call reads in a message, with its parentheses: a method by its callee, arguments left out
 * (`call.Begin_GetPrice()`); a call through a dispatcher or a helper as written (`vcall(call, ASYNCISTOCKQUOTE_BEGIN_GETPRICE, [], [])`,
 * `cancelCall(call)`), shortened past its second argument when long; anything else by the method's name.
 */
export function shownCall(ctx: EngineContext, node: Node, methodName: string | null): string {
  if (node.type !== "CallExpression") return `${methodName ?? ctx.text(node)}()`;
  const callee = ctx.text(node.callee);
  // A method of its object (`call.Begin_GetPrice`, `call?.Finish_X`), not a helper whose name ends like one (`safeCancel`).
  if (methodName !== null && callee.endsWith(`.${methodName}`)) return `${callee}()`;
  const whole = ctx.text(node);
  if (whole.length <= SHOWN_CALL_LENGTH && !whole.includes("\n")) return whole;
  const shown = node.arguments.slice(0, 2).map((arg) => ctx.text(arg).replace(/\s+/g, " "));
  return `${callee.replace(/\s+/g, " ")}(${shown.join(", ")}${node.arguments.length > 2 ? ", …" : ""})`;
}

/**
 * May a path reach this Begin_ with no call pending (a loop's first pass), where a Finish_ written before it would fail?
 * Either a fact says so, or every pending call is this Begin_'s own, from a pass before: the first pass had none (a
 * parameter's call object has no track until its first Begin_, which the loop's join does not keep).
 */
export function idleBefore(facts: FactTable, track: IdSet, begin: Node): boolean {
  return (
    track.some((id) => !facts.get(id).uncertain && (facts.get(id).phase === Phase.CallIdle || facts.get(id).phase === Phase.CallUnknown)) ||
    track.every((id) => (facts.get(id).phase !== Phase.CallPending && facts.get(id).phase !== Phase.CallCanceled) || facts.get(id).begin === begin)
  );
}

/**
 * Did some path to a place with these call-object facts finish the call (idle after a Finish_)? Not counting a path
 * of an implicit exception (an uncertain fact: spec 3a), as for reports.
 */
export function finishedOnSomePath(facts: FactTable, track: IdSet): boolean {
  return track.some((id) => {
    const fact = facts.get(id);
    return fact.phase === Phase.CallIdle && fact.site !== null && !fact.uncertain;
  });
}

/**
 * The turn of a Begin_ that failed while another call was pending (reported there), after that call's Finish_: the code
 * goes on as if it were pending, but no call is. Its Finish_ or the next Begin_ is not reported again.
 */
export function isQueuedTurn(fact: Fact): boolean {
  return fact.phase === Phase.CallPending && fact.site !== null && fact.site === fact.begin;
}

/**
 * Is a Release at `node` of a pointer released at `earlier` a second one? Not, for a pointer the function did not
 * acquire (resources.ts `externalPointer`), when it is the same call on a loop's next pass, handing back references the
 * caller counted out (`while (p.Release() > 0)`), nor after a lookup of its Release kept for the call that follows
 * (`linkSymbols({ Release: { ptr: vtableSlot(p, SLOT_RELEASE) } })`, then `calls.symbols.Release(p)`).
 */
export function releasesAgain(res: Resource, earlier: Node, node: Node): boolean {
  if (!res.external) return true;
  // Nor where the code reads the count a Release returns (`let n = p.Release(); while (n > 0) n = p.Release()`).
  return earlier !== node && !isResultUsed(node) && !isStoredLookup(earlier);
}

/** A Release looked up and kept for a call that follows (`const fn = slot(p, 2)`, a table's `{ ptr: vtableSlot(p, 2) }`): not `p.Release()`. */
function isStoredLookup(site: Node): boolean {
  if (site.type === "CallExpression" && site.callee.type === "MemberExpression" && site.arguments.length === 0) return false;
  const parent = site.parent;
  return parent?.type === "VariableDeclarator" || parent?.type === "AssignmentExpression" || parent?.type === "Property" || parent?.type === "ArrayExpression";
}

/**
 * Is this use of a released pointer one to report? A pointer the function did not acquire is used only by a call on it:
 * given to a function after its Release it is most often a number in the file's own bookkeeping
 * (`liveObjects.lastIndexOf(ptr)`, `untrackResource(ptr)`).
 */
export function usesReleased(res: Resource, use: UseAfterRelease["use"]): boolean {
  return !res.external || typeof use !== "string";
}

/**
 * Raw FFI code keeps one site's pointers of several loop iterations in several variables, which this non-relational
 * analysis merges: for it, a use after a Release is reported only when every path released the pointer, through the
 * same name the use reads (`releasedVia`: each Release's key).
 */
export function surelyReleased(facts: FactTable, releasedVia: ReadonlyMap<Node, string | null>, res: Resource, track: IdSet, viaKey: string | null): boolean {
  if (!res.ffi) return true;
  return track.every((id) => {
    const fact = facts.get(id);
    // A fact only an implicit exception brings (the throw path into a `finally`) is another path, not another loop
    // iteration's pointer: it does not keep the paths that released it from being judged, as for method calls.
    return fact.uncertain || fact.phase === Phase.PtrFailed || (fact.phase === Phase.PtrReleased && fact.site !== null && viaKey !== null && releasedVia.get(fact.site) === viaKey);
  });
}
