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
import type { EngineContext, ParamEffect, Resource, ReturnedObject, Summary, Sym } from "./model";
import type { ResourceTable } from "./resources";
import type { FunctionGraph } from "./segment-graph";
import { solve } from "./solver";
import type { SolveOptions } from "./solver";
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
    const isParam = (res: Resource) => params.some((p) => p?.res === res);
    const held = (state: State, res: Resource) =>
      !isParam(res) &&
      res.ownKey >= 0 &&
      (state.tracks.get(res.ownKey) ?? []).some((f) => {
        const fact = facts.get(f);
        return !fact.uncertain && (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked);
      });
    // The object each return statement hands out (the last state the fixpoint gave it), by property.
    const objects = new Map<object, ReturnedFields>();
    const onReturn: NonNullable<SolveOptions["onReturn"]> = (state, values, event, object) => {
      const fields = new Map<string, Resource>();
      const optional = new Set<string>();
      for (const [name, ids] of object?.byName ?? []) {
        for (const id of ids) {
          const value = this.resources.value(id);
          if (value.kind !== "ref" || !held(state, value.res)) continue;
          fields.set(name, value.res);
          // Set under a condition here, or optional in the helper this one passes on.
          if (object!.optional.has(name) || (value.res.fromBox && this.ctx.objects.isField(value.res))) optional.add(name);
        }
      }
      objects.set(event, { fields, optional, methods: event.methods ?? [] });
      for (const id of values) {
        const value = this.resources.value(id);
        if (value.kind !== "ref" || !held(state, value.res)) continue;
        const ownerParam = params.findIndex((p) => p && value.res.ownerSlot !== null && p.key === value.res.ownerSlot);
        returned = { isCancel: value.res.isCancel, ownerParam: ownerParam >= 0 ? ownerParam : null, mayFail: value.res.mayFail, ffi: value.res.ffi };
      }
    };
    const exit = solve(this.ctx, graph, { bindings, tracks }, null, { onReturn });
    if (!exit || graph.gaveUp) return null;
    const effects: ParamEffect[] = fn.params.map((_, i) => {
      if (!params[i]) return { kind: "escape" };
      const effect = this.paramEffect(exit, graph, params[i]);
      // `destroyBuffer(buf)` releases `buf.srv`: what the object holds is not the caller's any more.
      return effect.kind === "none" && handsOnMembers(graph, params[i].key) ? { kind: "escape" } : effect;
    });
    return { params: effects, returns: returned, object: returnedObject([...objects.values()]) };
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

/**
 * The object a function returns, from what each `return` hands out: a property is a field when
 * it holds a pointer the function acquired and still holds; optional when some return lacks it
 * (`return null` on failure, `result.srv` set only when asked for). Null when no return has one.
 */
interface ReturnedFields {
  fields: Map<string, Resource>;
  optional: Set<string>;
  methods: readonly string[];
}

function returnedObject(returns: ReturnedFields[]): ReturnedObject | null {
  const names = new Set(returns.flatMap((r) => [...r.fields.keys()]));
  if (names.size === 0) return null;
  const fields = [...names].map((name) => {
    const holders = returns.filter((r) => r.fields.has(name));
    return { name, ffi: holders.every((r) => r.fields.get(name)!.ffi), optional: holders.length < returns.length || holders.some((r) => r.optional.has(name)) };
  });
  return { fields, releasingMethods: [...new Set(returns.flatMap((r) => r.methods))] };
}

/** Does some event of the function hand on a member of `key` (`comRelease(buf.srv)`, `keep(buf.tex)`)? */
function handsOnMembers(graph: FunctionGraph, key: string): boolean {
  const dot = key + ".";
  const under = (sym: Sym): boolean => {
    if (!sym) return false;
    if (sym.t === "slot") return sym.key.startsWith(dot);
    return sym.t === "union" ? sym.parts.some(under) : false;
  };
  return graph.events.some((events) =>
    events.some((event) => {
      switch (event.k) {
        case "release":
        case "return":
          return under(event.target);
        case "escape":
          return !event.native && under(event.target);
        case "callLocal":
          return event.args.some((arg) => under(arg.sym));
        case "assign":
          return event.escapes && under(event.sym);
        default:
          return false;
      }
    }),
  );
}
