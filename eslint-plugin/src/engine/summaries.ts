/**
 * Same-file summaries: what a call to a function of this file does to each
 * argument on every normal exit (releases it, finishes, begins or cancels its
 * call, or nothing), and whether it returns a pointer it acquired. A helper's
 * role comes from its body, never from its name. A function being summarised
 * has no summary for its own (mutually) recursive calls: they stay escapes,
 * which keeps recursion finite and sound.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { Phase, State } from "./facts";
import type { EngineContext, ParamEffect, Resource, Summary } from "./model";
import type { ResourceTable } from "./resources";
import type { FunctionGraph } from "./segment-graph";
import { solve } from "./solver";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

export class Summaries {
  private readonly summaries = new Map<Node, Summary | null>();
  private protocolWords: RegExp | undefined;

  constructor(
    private readonly ctx: EngineContext,
    private readonly resources: ResourceTable,
    private readonly symbols: Symbols,
    private readonly graphs: ReadonlyMap<Node, FunctionGraph>,
    private readonly sourceText: string,
  ) {}

  summaryOf(fn: Node): Summary | null {
    if (this.summaries.has(fn)) return this.summaries.get(fn) ?? null;
    const graph = this.graphs.get(fn);
    if (!graph || graph.isInlined || fn.type === "Program") return null;
    // A function that names no protocol method cannot act on the protocol itself: no summary
    // (its calls stay escapes), and no second analysis of it.
    this.protocolWords ??= this.ctx.vocabulary.protocolWordPattern();
    if (!this.protocolWords.test(this.sourceText.slice(fn.range[0], fn.range[1]))) {
      this.summaries.set(fn, null);
      return null;
    }
    this.summaries.set(fn, null); // in progress: recursive calls see no summary
    const summary = this.summarise(graph, fn as TSESTree.FunctionLike);
    this.summaries.set(fn, summary);
    return summary;
  }

  private summarise(graph: FunctionGraph, fn: TSESTree.FunctionLike): Summary | null {
    const facts = this.ctx.facts;
    const bindings = new Map<string, readonly number[]>();
    const tracks = new Map<number, readonly number[]>();
    const params: { res: Resource; ownerKey: string; key: string }[] = [];
    fn.params.forEach((declared, i) => {
      // `bindings = {}`: a default value changes nothing of what the function does with its argument.
      const param = declared.type === "AssignmentPattern" ? declared.left : declared;
      if (param.type !== "Identifier") return;
      const key = this.symbols.keyOf(param);
      if (key === null) return;
      // A parameter may be a pointer or a call object: it gets both tracks.
      const ownerKey = `param-owner:${i}`;
      const res = this.resources.create(param, true, true, true, ownerKey, "");
      res.name = param.name;
      // Handed to native code (an export, a vtable method), a raw pointer parameter stays the caller's.
      res.ffi = true;
      bindings.set(key, [this.resources.valueId({ kind: "ref", res })]);
      tracks.set(res.ownKey, [facts.make(Phase.PtrOwned)]);
      tracks.set(res.protoKey, [facts.make(Phase.CallUnknown)]);
      params[i] = { res, ownerKey, key };
    });
    let returned: Summary["returns"] = null;
    const onReturn = (state: State, values: readonly number[]) => {
      for (const id of values) {
        const value = this.resources.value(id);
        if (value.kind !== "ref" || params.some((p) => p?.res === value.res) || value.res.ownKey < 0) continue;
        const held = (state.tracks.get(value.res.ownKey) ?? []).some((f) => {
          const fact = facts.get(f);
          return !fact.uncertain && (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked);
        });
        if (!held) continue;
        const ownerParam = params.findIndex((p) => p && value.res.ownerSlot !== null && p.key === value.res.ownerSlot);
        returned = { isCancel: value.res.isCancel, ownerParam: ownerParam >= 0 ? ownerParam : null, mayFail: value.res.mayFail, ffi: value.res.ffi };
      }
    };
    const exit = solve(this.ctx, graph, { bindings, tracks }, null, { onReturn });
    if (!exit || graph.gaveUp) return null;
    const effects: ParamEffect[] = fn.params.map((_, i) => (params[i] ? this.paramEffect(exit, graph, params[i]) : { kind: "escape" }));
    return { params: effects, returns: returned };
  }

  /** What every normal exit agrees the function did to one parameter. */
  private paramEffect(exit: State, graph: FunctionGraph, param: { res: Resource; ownerKey: string }): ParamEffect {
    const sure = (key: number) => (exit.tracks.get(key) ?? []).map((id) => this.ctx.facts.get(id)).filter((f) => !f.uncertain);
    const own = sure(param.res.ownKey);
    const proto = sure(param.res.protoKey);
    const external = this.resources.externalIfAny(graph, param.ownerKey);
    const through = external ? sure(external.protoKey) : [];
    const all = <T>(list: T[], test: (item: T) => boolean) => list.length > 0 && list.every(test);
    if (own.some((f) => f.phase === Phase.PtrEscaped)) return { kind: "escape" };
    // Released on every path where it is a pointer at all (`if (p !== 0n) vcall(p, IUNKNOWN_RELEASE)`): a null-safe release.
    if (all(own, (f) => f.phase === Phase.PtrReleased || f.phase === Phase.PtrFailed) && own.some((f) => f.phase === Phase.PtrReleased)) return { kind: "release" };
    if (all(through, (f) => f.phase === Phase.CallCanceled)) return { kind: "cancelThrough" };
    if (all(proto, (f) => f.phase === Phase.CallCanceled && f.begin === null)) return { kind: "cancelCall" };
    const finishes = new Set(proto.map((f) => (f.phase === Phase.CallIdle && f.site?.type === "CallExpression" ? this.resources.finishes.get(f.site) : undefined)));
    if (proto.length > 0 && finishes.size === 1 && !finishes.has(undefined)) return { kind: "finish", method: [...finishes][0]! };
    const begins = new Set(proto.map((f) => (f.phase === Phase.CallPending && f.begin ? this.resources.begins.get(f.begin)?.method : undefined)));
    if (proto.length > 0 && begins.size === 1 && !begins.has(undefined)) return { kind: "begin", method: [...begins][0]! };
    if (all(own, (f) => f.phase === Phase.PtrOwned) && all(proto, (f) => f.phase === Phase.CallUnknown)) return { kind: "none" };
    return { kind: "escape" };
  }
}
