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
import type { EngineContext, Event, HelperRole, ParamEffect, Resource, Summary, Sym } from "./model";
import type { ResourceTable } from "./resources";
import type { FunctionGraph } from "./segment-graph";
import { solve } from "./solver";
import { emptiesParameter } from "./out-box-shapes";
import { returnedObject, slotKeysOf } from "./object-fields";
import type { ReturnedFields } from "./object-fields";
import type { SolveOptions } from "./solver";
import type { Symbols } from "./symbols";
import { capturedReleaseCandidates, copiesIntoCache, parameterBoxSlots, returnsOwned, summaryOfCall } from "./call-effects";
import { memberReaderSummary } from "./member-readers";
import { runsAtOnce } from "./ast-functions";
import { endsProcessFunction, isValueUse, returnsCallbackResult } from "./helper-shapes";

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
    /**
     * Does this call keep nothing of its argument at `index`: native code (an FFI export), whose in-parameters stay the
     * caller's, or a vtable call given it as the object (`comCall(object, 4, ...)` through an imported dispatcher)?
     */
    private readonly keepsNothingOf: (call: TSESTree.CallExpression, index: number) => boolean = () => false,
  ) {}

  /** What a function of this file is to its importers: its summary, whether it checks or tests HRESULTs, ends the process or dispatches. */
  roleOf(fn: TSESTree.FunctionLike): HelperRole {
    const symbols = this.symbols;
    const role: HelperRole = { summary: this.summaryOf(fn), check: symbols.isCheckHelperFunction(fn), endsProcess: endsProcessFunction(fn) };
    const testsHresult = symbols.hresultTestFunction(fn);
    if (testsHresult) role.testsHresult = testsHresult;
    const ffi = symbols.ffi;
    if (ffi?.boxes.readsBoxParameter(fn)) role.readsBox = true;
    const comObjectParams = ffi ? fn.params.flatMap((param, i) => (param.type === "Identifier" && ffi.paramIsComObject(param) ? [i] : [])) : [];
    if (comObjectParams.length > 0) role.comObjectParams = comObjectParams;
    return symbols.isDispatcherFunction(fn) ? { ...role, dispatcher: true } : role;
  }

  summaryOf(fn: Node): Summary | null {
    if (this.summaries.has(fn)) return this.summaries.get(fn) ?? null;
    const graph = this.graphs.get(fn);
    if (!graph || graph.isInlined || fn.type === "Program") return null;
    // In progress: recursive calls, and a helper it calls or passes its argument to that calls it back, see no summary.
    this.summaries.set(fn, null);
    const summary = withCallbackIndex(
      fn as TSESTree.FunctionLike,
      this.namesNoProtocol(fn, graph) && !this.callsActingHelper(graph)
        ? // Except for what it reads of its arguments' members (`code.ptr`), which it may hand on.
          memberReaderSummary(fn as TSESTree.FunctionLike, this.symbols, (call, index) => this.onlyUsesArgument(call, index))
        : this.summarise(graph, fn as TSESTree.FunctionLike),
    );
    this.summaries.set(fn, summary);
    return summary;
  }

  /** A function that names no protocol method cannot act on the protocol itself: it is only summarised by what it does with its arguments. */
  private namesNoProtocol(fn: Node, graph: FunctionGraph): boolean {
    this.protocolWords ??= this.ctx.vocabulary.protocolWordPattern();
    return !this.protocolWords.test(this.sourceText.slice(fn.range[0], fn.range[1])) && !this.callsLocalDispatcher(graph) && !actsOnProtocol(graph);
  }

  /**
   * `function CS(src) { const code = gpu.compile(src); return { cs: gpu.makeComputeShader(code), code } }`: a call of a
   * helper (of this file, or imported) that returns a pointer or acts on an argument makes a function act on the
   * protocol through it, whatever its own names say.
   */
  private callsActingHelper(graph: FunctionGraph): boolean {
    return graph.events.some((events) =>
      events.some((event) => {
        if (event.k !== "callLocal") return false;
        const summary = summaryOfCall(event, (fn) => this.summaryOf(fn));
        return returnsOwned(summary) || (summary?.params.some((effect) => effect && effect.kind !== "none" && effect.kind !== "escape") ?? false);
      }),
    );
  }

  /**
   * What a call does to its arguments as far as its text shows, without solving or asking other summaries: of a
   * function that names no protocol method, what it reads, fills or copies (`cacheHandles(incoming, cached)` fills
   * `cached`); null for any other. For judging module variables while the summaries are being made.
   */
  textualSummaryOf(fn: Node): Summary | null {
    let summary = this.textual.get(fn);
    if (summary === undefined) {
      const graph = this.graphs.get(fn);
      const readerOnly = !!graph && !graph.isInlined && fn.type !== "Program" && this.namesNoProtocol(fn, graph);
      summary = readerOnly ? memberReaderSummary(fn as TSESTree.FunctionLike, this.symbols, (call, index) => this.keepsNothingOf(call, index)) : null;
      this.textual.set(fn, summary);
    }
    return summary;
  }
  private readonly textual = new Map<Node, Summary | null>();

  /**
   * Does this call only use its argument at `index`: native code (COM's rule for in-parameters), or a helper of the
   * file, or imported, whose summary says so (`readbackTexture(tex, w, h)` passing `tex` on to `readbackTextureInto`)?
   */
  private onlyUsesArgument(call: TSESTree.CallExpression, index: number): boolean {
    if (this.keepsNothingOf(call, index)) return true;
    const local = this.symbols.localFunction(call.callee);
    const summary = local ? this.summaryOf(local) : (this.symbols.importedRole(call.callee)?.summary ?? null);
    const effect = summary?.params[index];
    return effect?.kind === "none" && !effect.members;
  }

  /** `blobMethod(blob, SLOT)(blob)`, where `blobMethod` indexes the vtable: a vtable call under a name of the file's own. */
  private callsLocalDispatcher(graph: FunctionGraph): boolean {
    return graph.events.some((events) =>
      events.some((event) => {
        if (event.k !== "use" || event.node.type !== "CallExpression") return false;
        const callee = event.node.callee;
        return this.symbols.isLocalDispatcher(callee) || (callee.type === "CallExpression" && this.symbols.isLocalDispatcher(callee.callee));
      }),
    );
  }

  private summarise(graph: FunctionGraph, fn: TSESTree.FunctionLike): Summary | null {
    const facts = this.ctx.facts;
    const bindings = new Map<string, readonly number[]>();
    const tracks = new Map<number, readonly number[]>();
    const params: { res: Resource; ownerKey: string; key: string; node: TSESTree.Identifier }[] = [];
    // What the caller hands the function in a slot: a pointer or a call object of the caller's (both tracks), owned
    // on entry. Handed to native code (an export, a vtable method), a raw pointer stays the caller's.
    const callersPointer = (site: Node, ownerKey: string, key: string): Resource => {
      const res = this.resources.create(site, true, true, true, ownerKey, "");
      res.ffi = true;
      bindings.set(key, [this.resources.valueId({ kind: "ref", res })]);
      tracks.set(res.ownKey, [facts.make(Phase.PtrOwned)]);
      tracks.set(res.protoKey, [facts.make(Phase.CallUnknown)]);
      return res;
    };
    fn.params.forEach((declared, i) => {
      // `bindings = {}`: a default value changes nothing of what the function does with its argument.
      const param = declared.type === "AssignmentPattern" ? declared.left : declared;
      if (param.type !== "Identifier") return;
      const key = this.symbols.keyOf(param);
      if (key === null) return;
      const ownerKey = `param-owner:${i}`;
      const res = callersPointer(param, ownerKey, key);
      res.name = param.name;
      params[i] = { res, ownerKey, key, node: param };
    });
    // A closure's variables of the functions around it that it releases (`root[0]` of `dispose`): each holds a
    // pointer of the caller's, as a parameter does, to see what every exit did to it.
    const captured = capturedReleaseCandidates(graph, this.symbols.outerFunctionKeys(fn)).map((key) => {
      const ownerKey = `captured-owner:${key}`;
      return { res: callersPointer(fn, ownerKey, key), ownerKey, key };
    });
    // What a box given as a parameter holds (`releaseComPtr(pp)` reading `koffi.decode(pp, 'void *')`): the caller's too.
    const boxed = parameterBoxSlots(graph, params.map((p) => p?.key ?? null)).map(({ param, slot }) => {
      const ownerKey = `param-box-owner:${param}${slot}`;
      return { param, slot, res: callersPointer(fn, ownerKey, params[param].key + slot), ownerKey };
    });
    let returned: Summary["returns"] = null;
    const isParam = (res: Resource) => params.some((p) => p?.res === res) || captured.some((c) => c.res === res) || boxed.some((b) => b.res === res);
    const held = (state: State, res: Resource) =>
      !isParam(res) &&
      res.ownKey >= 0 &&
      (state.tracks.get(res.ownKey) ?? []).some((f) => {
        const fact = facts.get(f);
        return !fact.uncertain && (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked);
      });
    // Pointers the function filed in a module variable inside an object (`activeGpu = gpu`): the module
    // keeps them too. Returned in that object, they are the caller's only if it acts as their owner.
    const filed = new Set<Resource>();
    const onModuleStore = (members: readonly number[]) => {
      for (const id of members) {
        const value = this.resources.value(id);
        if (value.kind === "ref") filed.add(value.res);
      }
    };
    const stillFiled = (state: State, res: Resource) =>
      filed.has(res) && !isParam(res) && (state.tracks.get(res.ownKey) ?? []).some((f) => facts.get(f).phase === Phase.PtrEscaped && !facts.get(f).uncertain);
    // The object each return statement hands out (the last state the fixpoint gave it), by property.
    const objects = new Map<object, ReturnedFields>();
    let nullable = false;
    const onReturn: NonNullable<SolveOptions["onReturn"]> = (state, values, event, object) => {
      // No object at all: it makes no field optional, the caller's test of the object tells.
      if (event.nullish) {
        nullable = true;
        return;
      }
      const fields = new Map<string, Resource>();
      const optional = new Set<string>();
      const shared = new Set<string>();
      const boxes = new Map<string, string>();
      for (const [name, ids] of object?.byName ?? []) {
        for (const id of ids) {
          const value = this.resources.value(id);
          if (value.kind !== "ref") continue;
          // Returned beside its box (`{ context, ppContext }`): the caller may release it through either.
          const box = object!.boxOf?.get(id);
          if (box !== undefined) boxes.set(name, box);
          if (stillFiled(state, value.res) || value.res.shared) shared.add(name);
          else if (!held(state, value.res)) continue;
          fields.set(name, value.res);
          // Set under a condition here, or optional in the helper this one passes on.
          if (object!.optional.has(name) || (value.res.fromBox && this.ctx.objects.isField(value.res))) optional.add(name);
        }
      }
      objects.set(event, { fields, optional, shared, boxes, methods: event.methods ?? [], setByMethods: event.methodFields ?? [] });
      for (const id of values) {
        const value = this.resources.value(id);
        if (value.kind !== "ref" || !held(state, value.res)) continue;
        const ownerParam = params.findIndex((p) => p && value.res.ownerSlot !== null && p.key === value.res.ownerSlot);
        returned = { isCancel: value.res.isCancel, ownerParam: ownerParam >= 0 ? ownerParam : null, mayFail: value.res.mayFail, ffi: value.res.ffi };
      }
    };
    const exit = solve(this.ctx, graph, { bindings, tracks, path: 0 }, null, { onReturn, onModuleStore });
    if (!exit || graph.gaveUp) return null;
    const effects: ParamEffect[] = fn.params.map((_, i) => {
      if (!params[i]) return { kind: "escape" };
      const effect = this.paramEffect(exit, graph, params[i]);
      // Kept by the closures it makes (`return { release() { release(volume) } }`): handed on, not the caller's.
      if (effect.kind === "none" && isKeptByClosures(this.symbols, params[i].node)) return { kind: "escape" };
      if (effect.kind !== "none") return effect;
      // `destroyBuffer(buf)` releases `buf.srv`: what the object holds is not the caller's any more.
      const members = membersHandedOn(graph, params[i].key, (call) => summaryOfCall(call, (fn) => this.summaryOf(fn)), (effect, args) => copiesIntoCache(this.ctx, effect, args));
      return members.length > 0 ? { kind: "none", members } : effect;
    });
    const releasesCaptured = captured.filter((c) => this.paramEffect(exit, graph, c).kind === "release").map((c) => c.key);
    const releasesBoxed = boxed
      .filter((b) => this.paramEffect(exit, graph, b).kind === "release")
      .map(({ param, slot }) => ({ param, slot, ...(emptiesParameter(fn, param) ? { resets: true } : {}) }));
    const resetsCaptured = releasesCaptured.filter((key) => graph.events.some((events) => events.some((event) => event.k === "assign" && event.key === key)));
    return {
      params: effects,
      returns: returned,
      object: returnedObject([...objects.values()], nullable),
      ...(releasesCaptured.length > 0 ? { releasesCaptured } : {}),
      ...(resetsCaptured.length > 0 ? { resetsCaptured } : {}),
      ...(releasesBoxed.length > 0 ? { releasesBoxed } : {}),
    };
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
    if (proto.length > 0 && begins.size === 1 && !begins.has(undefined)) {
      // A helper whose Begin_ goes through the vtable: its caller's repairs must not call a Finish_ method on the object.
      const viaVtable = proto.every((f) => f.begin !== null && this.resources.begins.get(f.begin)?.viaVtable === true);
      return { kind: "begin", method: [...begins][0]!, ...(viaVtable ? { viaVtable: true as const } : {}) };
    }
    // Tested against null on some path (`blendState === 0n ? null : factors`): where it was null there was nothing to take.
    if (all(own, (f) => f.phase === Phase.PtrOwned || f.phase === Phase.PtrFailed) && all(proto, (f) => f.phase === Phase.CallUnknown)) return { kind: "none" };
    return { kind: "escape" };
  }
}

/**
 * A wrapper's summary says which parameter's result it returns (`withBstr(value, fn)` returning `fn(bstr)`), for its callers
 * here and its importers. A wrapper with no summary of its own (every argument handed on, or left unchecked) gets one
 * that says just that: each argument escapes, as with no summary, and the callback's result is returned.
 */
function withCallbackIndex(fn: TSESTree.FunctionLike, summary: Summary | null): Summary | null {
  const index = returnsCallbackResult(fn);
  if (index === null) return summary;
  return { ...(summary ?? { params: fn.params.map((): ParamEffect => ({ kind: "escape" })), returns: null }), returnsCallbackResult: index };
}

/**
 * `D3D11CreateDeviceAndSwapChain(..., ppDevice, ...)`: an export filling boxes the file uses as COM objects, whatever its
 * name; `comCall(p, 2, ...)`, a Release through a dispatcher of the file (its slot's number names no method).
 */
function actsOnProtocol(graph: FunctionGraph): boolean {
  return graph.events.some((events) => events.some((event) => event.k === "acquire" || event.k === "release"));
}

/** The members of `key` some event of the function hands on (`comRelease(buf.srv)`, `keep(buf.tex)`, `return code.ptr`), by name. */
function membersHandedOn(
  graph: FunctionGraph,
  key: string,
  summaryOf: (call: Extract<Event, { k: "callLocal" }>) => Summary | null,
  intoCache: (effect: ParamEffect | undefined, args: Extract<Event, { k: "callLocal" }>["args"]) => boolean,
): string[] {
  const dot = key + ".";
  const names = new Set<string>();
  const collect = (sym: Sym): void => {
    for (const k of slotKeysOf(sym)) if (k.startsWith(dot)) names.add(k.slice(dot.length).split(/[.[]/)[0]);
  };
  for (const events of graph.events) {
    for (const event of events) {
      if (event.k === "release" || event.k === "return" || (event.k === "escape" && !event.native)) collect(event.target);
      else if (event.k === "assign" && event.escapes) collect(event.sym);
      else if (event.k === "callLocal") {
        event.args.forEach((arg, i) => {
          const effect = summaryOf(event)?.params[i];
          if (intoCache(effect, event.args)) return;
          if (effect?.kind !== "none") return collect(arg.sym);
          // A helper that only uses its argument (`acquireStaging(gpu.device)`) hands on no more than the members its summary names.
          if (arg.key !== null) for (const m of effect.members ?? []) collect({ t: "slot", key: `${arg.key}.${m}` });
        });
      }
    }
  }
  return [...names];
}

/**
 * Is the variable (a parameter too) kept by a closure that may outlive the call: `return { mute() { slot(volume, ...) } }`,
 * `setTimeout(() => vcall(p, 4))`? A callback an array method or a wrapper runs at once (`items.map((x) => x + size(p))`,
 * ast-functions.ts `runsAtOnce`) runs during it. (Not symbols' `referencedByClosures`: that one leaves out the methods of
 * an object literal holding the variable, which are just what keeps a parameter here.)
 */
function isKeptByClosures(symbols: Symbols, node: TSESTree.Identifier): boolean {
  const variable = symbols.variableOf(node);
  if (!variable) return false;
  const own = variable.scope.variableScope;
  return variable.references.some((ref) => {
    const from = ref.from.variableScope;
    if (from === own) return false;
    // (One that only prints or compares it later, `setTimeout(() => log(String(call)))`, reads a number, not the object.)
    return !runsAtOnce(from.block as TSESTree.Node, (callee) => symbols.wrapperCallbackIndex(callee)) && !isValueUse(ref.identifier as TSESTree.Identifier, () => false);
  });
}
