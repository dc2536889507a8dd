/**
 * The effects of a call of a summarised helper (summaries.ts) on the caller's state, in one place for
 * every solver that meets one.
 */
import type { Draft } from "./facts";
import type { Sink } from "./findings";
import type { TSESTree } from "@typescript-eslint/utils";
import type { EngineContext, Event, ParamEffect, Summary } from "./model";
import { slotKeysOf } from "./object-fields";
import { BOX_SLOTS, boxOfSlot, rootKey } from "./slot-keys";
import type { FunctionGraph } from "./segment-graph";
import type { Transitions } from "./transitions";

/** A helper call's summary: an imported helper's comes with the call, a function of this file's is asked for (made on first need). */
export function summaryOfCall(event: Extract<Event, { k: "callLocal" }>, summaryOf: (fn: TSESTree.Node) => Summary | null): Summary | null {
  const summary = event.summary ?? (event.callee ? summaryOf(event.callee) : null);
  return summary && event.callback ? withCallbackResult(event, summary, summaryOf) : summary;
}

const composed = new WeakMap<object, Summary>();

/**
 * `withHString(name, (h) => { ...; return out.readBigUInt64LE(0) })`: a wrapper returning what the function it is given
 * returns (helper-shapes.ts `returnsCallbackResult`) returns that function's pointer or object at this call.
 */
function withCallbackResult(event: Extract<Event, { k: "callLocal" }>, summary: Summary, summaryOf: (fn: TSESTree.Node) => Summary | null): Summary {
  const known = composed.get(event);
  if (known) return known;
  const callback = summaryOf(event.callback!);
  // (Asked while one of the two is being summarised: no answer to keep yet.)
  if (!callback) return summary;
  const result: Summary = { ...summary, returns: callback.returns && { ...callback.returns, ownerParam: null }, object: callback.object ?? null };
  composed.set(event, result);
  return result;
}

/** Does a helper with this summary hand its caller an owned pointer: returned, or in fields of a returned object? */
export function returnsOwned(summary: Summary | null): boolean {
  return !!summary && (summary.returns !== null || (summary.object?.fields.length ?? 0) > 0);
}

/**
 * A call to a function of this file or a summarised import: its summary's effects on each argument and
 * what it returns, or an escape of every argument. `forSummary`: the caller is itself being summarised,
 * where a copy into a module cache hands nothing on (copiesIntoCache).
 */
export function applyCall(ctx: EngineContext, t: Transitions, draft: Draft, event: Extract<Event, { k: "callLocal" }>, sink: Sink, forSummary: boolean): void {
  const intoCache = (effect: ParamEffect | undefined) => forSummary && copiesIntoCache(ctx, effect, event.args);
  const summary = summaryOfCall(event, (fn) => ctx.summaryOf(fn));
  if (!summary) {
    for (const arg of event.args) t.escapeSym(draft, arg.sym, arg.key);
    return;
  }
  event.args.forEach((arg, i) => {
    const effect = summary.params[i] ?? { kind: "escape" };
    switch (effect.kind) {
      case "none":
        // Some of its members may be handed on (`return code.ptr`): they are no longer this function's.
        for (const member of effect.members ?? []) for (const key of slotKeysOf(arg.sym)) t.escapeSym(draft, { t: "slot", key: `${key}.${member}` }, null);
        return;
      case "release": {
        const targets = t.resourcesOf(draft, arg.sym);
        // `drop(p); drop(p)` on a parameter: its own Release twice (transfer.ts, "release").
        // (Raw: judged on every path, as raw pointers are; not a module variable, which another function may set again.)
        if (targets.length === 0 && arg.key !== null && !forSummary && !arg.moduleVariable) targets.push(...t.trackExternal(draft, arg.key, arg.expr, true, true));
        return t.release(draft, targets, event.node, sink, arg.key);
      }
      case "finish":
        return t.finish(draft, t.callObjects(draft, arg.sym, arg.key, arg.expr), event.node, effect.method, true, sink);
      case "begin":
        ctx.registerBegin(event.node, effect.method, arg.sym, arg.key, effect.viaVtable === true);
        return t.begin(draft, t.callObjects(draft, arg.sym, arg.key, arg.expr), event.node, null, sink);
      case "cancelCall":
        return t.cancel(draft, t.callObjects(draft, arg.sym, arg.key, arg.expr), event.node);
      case "cancelThrough":
        return t.cancelThrough(draft, t.resourcesOf(draft, arg.sym), event.node, sink);
      case "escape":
        if (intoCache(effect)) return;
        return t.escapeSym(draft, arg.sym, arg.key);
    }
  });
  // `dispose()` of `const dispose = () => { releaseCom(root[0]) }`: what the closure releases of its caller's variables.
  for (const key of summary.releasesCaptured ?? []) t.release(draft, t.resourcesOf(draft, { t: "slot", key }), event.node, sink, key);
  // `releaseComPtr(box)`: what the box the caller gives holds.
  for (const { param, slot, resets } of summary.releasesBoxed ?? []) {
    const box = event.args[param]?.key;
    if (!box) continue;
    t.release(draft, t.resourcesOf(draft, { t: "slot", key: box + slot }), event.node, sink, box + slot);
    // A SafeRelease that empties the box: called again, it finds nothing to release.
    if (resets) for (const other of BOX_SLOTS) draft.setBinding(box + other, undefined);
  }
  // (One that also empties the slot, `box[0] = 0n`, may be called again: the slot holds nothing to release twice.)
  for (const key of summary.resetsCaptured ?? []) draft.setBinding(key, undefined);
  // A helper given an object may release or keep what its members hold (`destroyBuffer(buf)`).
  event.args.forEach((arg, i) => {
    const effect = summary.params[i];
    if ((effect?.kind ?? "escape") !== "none" && !intoCache(effect)) for (const key of slotKeysOf(arg.sym)) t.escapeMembers(draft, key);
  });
  // `WindowsDeleteString(outPtr(session, 6))`: a helper that hands out COM objects at its other calls gave a string here.
  const acquired = summary.returns?.ffi && ctx.isMemoryResult(event.node) ? null : summary.returns;
  if (acquired) {
    const res = event.result;
    res.isCancel = acquired.isCancel;
    res.ownerSlot = acquired.ownerParam !== null ? (event.args[acquired.ownerParam]?.key ?? null) : null;
    res.mayFail = acquired.mayFail;
    res.ffi = acquired.ffi;
    t.acquire(draft, res, event.node, !acquired.mayFail);
  }
  // The pointers the returned object's properties own (`t.srv`): bound when the result is.
  // Of an object the helper may return null for, they are there where a test of the object says so (refineValue).
  if (summary.object) for (const field of ctx.objects.fieldsOfCall(event.result, summary.object)) t.acquire(draft, field, event.node, summary.object.nullable !== true);
}

type CallArgs = Extract<Event, { k: "callLocal" }>["args"];

/**
 * Does the callee only copy this argument into a module variable that no code of the file releases or hands on
 * (`cacheHandles(bindings.cb, csCacheCb)`)? A cache to compare the next call with takes nothing over from the
 * caller, like a direct store into one (the `assign` case of Transfer.run). Judged for summaries only: the
 * function's own analysis keeps spec 3a (storing into a module variable hands the pointer on).
 */
export function copiesIntoCache(ctx: EngineContext, effect: ParamEffect | undefined, args: CallArgs): boolean {
  if (effect?.kind !== "escape" || effect.into === undefined) return false;
  const target = args[effect.into];
  return target?.moduleVariable === true && target.key !== null && ctx.isInertModuleVariable(target.key);
}

/**
 * The slots a closure hands to a release, directly or through a helper, whose variable a function around it declares
 * (`outer`, by key: `automation[0]`, `walker[0]` of `dispose`): what a call of it may release of its caller's.
 */
export function capturedReleaseCandidates(graph: FunctionGraph, outer: ReadonlySet<string>): string[] {
  if (outer.size === 0) return [];
  const found = new Set<string>();
  const consider = (key: string) => {
    if (outer.has(rootKey(key))) found.add(key);
  };
  for (const events of graph.events) {
    for (const event of events) {
      if (event.k === "release") for (const key of slotKeysOf(event.target)) consider(key);
      else if (event.k === "callLocal") for (const arg of event.args) for (const key of slotKeysOf(arg.sym)) consider(key);
    }
  }
  return [...found];
}

/**
 * The box slots of its parameters (by key, null for a parameter with none) a function reads (`koffi.decode(pp, 'void *')`,
 * `pp[0]`; out-boxes.ts reads a parameter as a box): what each may hold is the caller's, if the caller gives a box.
 */
export function parameterBoxSlots(graph: FunctionGraph, paramKeys: readonly (string | null)[]): { param: number; slot: string }[] {
  const found: { param: number; slot: string }[] = [];
  const consider = (key: string) => {
    const box = boxOfSlot(key);
    const param = box === null ? -1 : paramKeys.indexOf(box);
    if (param >= 0 && !found.some((f) => f.param === param && box + f.slot === key)) found.push({ param, slot: key.slice(box!.length) });
  };
  for (const events of graph.events) {
    for (const event of events) {
      if (event.k === "assign" || event.k === "release" || event.k === "use") for (const key of slotKeysOf(event.k === "assign" ? event.sym : event.target)) consider(key);
      else if (event.k === "callLocal") for (const arg of event.args) for (const key of slotKeysOf(arg.sym)) consider(key);
    }
  }
  return found;
}
