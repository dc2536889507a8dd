/**
 * The dataflow engine for one code path (a function, a class field
 * initializer, or the module's top level).
 *
 * While ESLint walks the AST, the file analysis records protocol events into
 * the segments that are current. When the code path ends, a worklist fixpoint
 * runs over the segments: a segment's entry state is the join of its
 * predecessors' exit states, refined on branch edges by the condition that
 * chose the edge. Loops simply re-propagate until nothing changes; every
 * segment is processed a bounded number of times (the facts are finite and
 * joins only grow), so the cost is linear in the size of the function for a
 * fixed number of tracked objects: no path is ever enumerated.
 *
 * Exceptions follow the spec's model. Inside a `try`, every call is a throw
 * point; the state at that point (after the call's own effect for Finish_ and
 * Release, before it for everything else) flows to the handler as uncertain
 * facts. ESLint's own implicit edges into `catch` and into the abrupt
 * `finally` path are replaced by these; explicit `throw` and `return` edges
 * are kept as ordinary paths.
 */
import type { Rule } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import {
  Fact,
  FactTable,
  IdSet,
  Phase,
  State,
  fromList,
  join,
  markUncertain,
  normalizeTrack,
  sameState,
} from "./facts";
import type { ViolationKind, RelatedLocation, Repair } from "./violations";

type Segment = Rule.CodePathSegment;
type CodePath = Rule.CodePath;
type Node = TSESTree.Node;

/** Something the engine tracks: an interface pointer, a call object, or both. */
export interface Resource {
  readonly id: number;
  /** The acquiring call; for call objects this function did not create, the receiver expression. */
  readonly site: Node;
  /** Track of ownership (acquired/released/escaped); -1 when this function does not own it. */
  readonly ownKey: number;
  /** Track of the call state machine (idle/pending/cancelled); -1 for plain pointers. */
  readonly protoKey: number;
  isCancel: boolean;
  /** For a cancel pointer: the slot of the call object it was queried from. */
  ownerSlot: string | null;
  readonly ownerText: string | null;
  /** Display name, e.g. `cancel` or `call`. */
  name: string;
  /** The statement that binds the pointer (for the Release suggestion). */
  ownerStatement: Node | null;
  /** The acquisition can fail without throwing (raw HRESULT, nullable result). */
  mayFail: boolean;
}

export type Value =
  | { kind: "ref"; res: Resource }
  | { kind: "hrAcquire"; res: Resource }
  | { kind: "hrBegin"; begin: Node }
  /** The boolean `FAILED(x)` / `SUCCEEDED(x)` of another value, kept in a variable. */
  | { kind: "hrTest"; of: number; failed: boolean };

/** A symbolic expression: resolved against the state when the event is applied. */
export type Sym = { t: "slot"; key: string } | { t: "vals"; ids: IdSet } | { t: "union"; parts: Sym[] } | { t: "test"; of: Sym; failed: boolean } | null;

export type Event =
  | { k: "assign"; key: string; sym: Sym; escapes: boolean; aliasOf?: { key: string; site: Node } }
  | { k: "acquire"; res: Resource; node: Node; checked: boolean }
  | { k: "begin"; node: Node; recv: Sym; recvKey: string | null; method: string }
  | { k: "finish"; node: Node; recv: Sym; recvKey: string | null; method: string; resultChecked: boolean }
  | { k: "cancel"; node: Node; recv: Sym }
  | { k: "release"; node: Node; target: Sym; targetKey: string | null }
  | { k: "use"; node: Node; target: Sym }
  | { k: "escape"; target: Sym; targetKey: string | null }
  | { k: "return"; target: Sym; targetKey: string | null }
  | { k: "settle"; node: Node; target: Sym }
  | { k: "callLocal"; node: Node; callee: Node; args: { sym: Sym; key: string | null; expr: Node }[]; result: Resource }
  | { k: "stopTracking"; target: Sym }
  | { k: "manage"; target: Sym }
  | { k: "throwPoint"; region: string }
  /** A `break`/`continue` that runs a `finally` ESLint's graph skips: what follows is uncertain. */
  | { k: "soften" }
  /** An HRESULT handed to a function (`check(hr)`, `ThrowIfFailed(hr)`): taken as checked after the call. */
  | { k: "hrHandled"; target: Sym }
  /** A block's variables go out of scope: their bindings, and objects nothing can reach any more, are dropped. */
  | { k: "scopeEnd"; keys: string[] }
  | { k: "inline"; child: FunctionAnalysis };

export type Polarity = "truthy" | "falsy" | "nullish" | "nonnullish";

export interface ForkInfo {
  /** The condition whose value chose between the successors. */
  test: Node;
  /** The value of `test` on the edge into the successor that starts at `firstNode`. */
  polarity: Polarity;
  firstNode: Node;
}

/** Services the file analysis gives every function analysis. */
export interface EngineContext {
  readonly facts: FactTable;
  value(id: number): Value;
  valueId(value: Value): number;
  /** The call object this function did not create, keyed by slot: one per function and slot. */
  externalCall(owner: FunctionAnalysis, key: string, site: Node): Resource;
  /** The external call object of a slot, if one was created. */
  externalIfAny(owner: FunctionAnalysis, key: string): Resource | undefined;
  resource(id: number): Resource;
  beginMethod(begin: Node): string;
  text(node: Node): string;
  finishPrefix: string;
  refineCondition(state: State, test: Node, polarity: Polarity, apply: Refiner): State;
  /** Work counters: deterministic measures of cost for tests and benchmarks. */
  readonly stats: EngineStats;
  /** The summary of a function of this file, or null when it has none (not analysable, recursive). */
  summaryOf(fn: Node): Summary | null;
  /** What a Begin_ was called on, for `await` of a promise-shaped Begin_. */
  beginInfo(begin: Node): { recv: Sym; recvKey: string | null; method: string } | null;
  /** A call of a helper that begins a call counts as that Begin_ (for messages and suggestions). */
  registerBegin(node: Node, method: string, recv: Sym, recvKey: string | null): void;
}

/** What a call to a function of this file does to each argument, and whether it returns an owned pointer. */
export interface Summary {
  params: ParamEffect[];
  returns: { isCancel: boolean; ownerParam: number | null; mayFail: boolean } | null;
}

export type ParamEffect =
  | { kind: "none" }
  | { kind: "release" }
  | { kind: "finish"; method: string }
  | { kind: "begin"; method: string }
  | { kind: "cancelCall" }
  | { kind: "cancelThrough" }
  | { kind: "escape" };

export interface EngineStats {
  functions: number;
  segments: number;
  /** Segment transfers run by the fixpoints: linear in the code size when the engine is. */
  transfers: number;
}

/** Applies an outcome to a symbolic value; used by the condition refiner. */
export type Refiner = (state: State, sym: Sym, hr: "success" | "failure" | null, ptr: "null" | "nonnull" | null) => State;

export interface Sink {
  report(kind: ViolationKind, node: Node, related: RelatedLocation | null, data: Record<string, string>, repair: Repair | null): void;
}

const NO_SINK: Sink = { report() {} };

/** Negation of a polarity for the other successor of a fork. */
function opposite(p: Polarity): Polarity {
  switch (p) {
    case "truthy":
      return "falsy";
    case "falsy":
      return "truthy";
    case "nullish":
      return "nonnullish";
    case "nonnullish":
      return "nullish";
  }
}

/** A mutable working copy of a state, copied lazily. */
class Draft {
  bindings: Map<string, IdSet>;
  tracks: Map<number, IdSet>;
  private ownBindings = false;
  private ownTracks = false;
  constructor(private readonly base: State) {
    this.bindings = base.bindings as Map<string, IdSet>;
    this.tracks = base.tracks as Map<number, IdSet>;
  }
  setTrack(key: number, set: IdSet): void {
    if (!this.ownTracks) {
      this.tracks = new Map(this.tracks);
      this.ownTracks = true;
    }
    if (set.length === 0) this.tracks.delete(key);
    else this.tracks.set(key, set);
  }
  setBinding(key: string, set: IdSet | undefined): void {
    if (!this.ownBindings) {
      this.bindings = new Map(this.bindings);
      this.ownBindings = true;
    }
    if (!set || set.length === 0) this.bindings.delete(key);
    else this.bindings.set(key, set);
  }
  /** Forgets what was known of `key`'s members (`out[0]`, `x.y`) when `key` is re-bound. */
  dropMembers(key: string): void {
    const dot = key + ".";
    const bracket = key + "[";
    for (const k of this.bindings.keys()) {
      if (k.startsWith(dot) || k.startsWith(bracket)) this.setBinding(k, undefined);
    }
  }
  freeze(): State {
    if (!this.ownBindings && !this.ownTracks) return this.base;
    return { bindings: this.bindings, tracks: this.tracks };
  }
}

export class FunctionAnalysis {
  readonly segments: Segment[] = [];
  private readonly index = new Map<Segment, number>();
  private readonly startNodes: Node[] = [];
  readonly events: Event[][] = [];
  private readonly forks: (ForkInfo | null)[] = [];
  private readonly abruptEnds: (Node | null)[] = [];
  private readonly handlerRegion: (string | null)[] = [];
  private readonly leaving: boolean[] = [];
  private readonly current = new Set<Segment>();
  /** Segments (reachable or not) started at each `finally` block, in order. */
  private readonly finallyStarts = new Map<TSESTree.TryStatement, (Segment | null)[]>();
  /** Try regions enclosing the current position, innermost last. */
  readonly regionStack: { tryNode: TSESTree.TryStatement; part: "block" | "catch" | "finally" }[] = [];
  private readonly tryIds = new Map<TSESTree.TryStatement, number>();
  /** Set when the solver gave up (iteration cap): the function reports nothing. */
  gaveUp = false;
  /** For a class field initializer: its value, stored in the field when the path ends. */
  resultEscapes: Sym = null;
  /** While a summary is computed: receives the state and values at each `return`. */
  returns: ((state: State, values: IdSet) => void) | null = null;

  constructor(
    readonly codePath: CodePath,
    readonly node: Node,
    readonly parent: FunctionAnalysis | null,
    readonly isInlined: boolean,
    private readonly ctx: EngineContext,
  ) {}

  // ---- recording, driven by ESLint's code path events ---------------------

  onSegmentStart(segment: Segment, node: Node): void {
    const i = this.segments.length;
    this.segments.push(segment);
    this.index.set(segment, i);
    this.startNodes.push(node);
    this.events.push([]);
    this.forks.push(null);
    this.abruptEnds.push(null);
    this.handlerRegion.push(node.type === "CatchClause" ? this.regionKey(node.parent as TSESTree.TryStatement, "catch") : null);
    this.leaving.push(false);
    this.current.add(segment);
    this.noteFinallyStart(segment, node);
  }

  /** Unreachable segments carry no facts, but count when telling a `finally`'s normal and abrupt halves apart. */
  onUnreachableSegmentStart(node: Node): void {
    this.noteFinallyStart(null, node);
  }

  private noteFinallyStart(segment: Segment | null, node: Node): void {
    const parent = node.parent;
    if (parent?.type === "TryStatement" && parent.finalizer === node) {
      let list = this.finallyStarts.get(parent);
      if (!list) this.finallyStarts.set(parent, (list = []));
      list.push(segment);
    }
  }

  onSegmentEnd(segment: Segment, node: Node): void {
    this.current.delete(segment);
    const i = this.index.get(segment);
    if (i === undefined) return;
    if (segment.nextSegments.length >= 2) this.forks[i] = forkAt(node);
  }

  /**
   * The current segments end with this `return` or `throw` (called once its
   * argument is evaluated): their edges are explicit exits, not implicit exceptions.
   */
  markAbrupt(node: Node): void {
    for (const segment of this.current) {
      const i = this.index.get(segment);
      if (i !== undefined) this.abruptEnds[i] = node;
    }
  }

  record(event: Event): void {
    for (const segment of this.current) {
      const i = this.index.get(segment);
      if (i !== undefined) this.events[i].push(event);
    }
  }

  get hasCurrentSegment(): boolean {
    return this.current.size > 0;
  }

  regionKey(tryNode: TSESTree.TryStatement, part: "catch" | "finally"): string {
    let id = this.tryIds.get(tryNode);
    if (id === undefined) this.tryIds.set(tryNode, (id = this.tryIds.size));
    return `${id}:${part}`;
  }

  /** Where an exception thrown here goes: the innermost handler, or null (not modelled). */
  throwTarget(): string | null {
    for (let i = this.regionStack.length - 1; i >= 0; i--) {
      const { tryNode, part } = this.regionStack[i];
      if (part === "block") return this.regionKey(tryNode, tryNode.handler ? "catch" : "finally");
      if (part === "catch" && tryNode.finalizer) return this.regionKey(tryNode, "finally");
    }
    return null;
  }

  /** Is the current position inside a `try` block whose `catch` handles failures? */
  insideTryWithCatch(): boolean {
    return this.regionStack.some((r) => r.part === "block" && !!r.tryNode.handler);
  }

  /** Called at the end of the code path: identifies the abrupt-completion segments of each `finally`. */
  sealGraph(): void {
    for (const [tryNode, starts] of this.finallyStarts) {
      if (starts.length < 2 || starts.length % 2 !== 0) continue;
      const key = this.regionKey(tryNode, "finally");
      for (const segment of starts.slice(starts.length / 2)) {
        const i = segment ? this.index.get(segment) : undefined;
        if (i === undefined) continue;
        this.handlerRegion[i] = key;
        this.leaving[i] = true;
      }
    }
  }

  // ---- solving ------------------------------------------------------------

  /**
   * Runs the fixpoint from `entry`; returns the exit states of the normal
   * exits (for an inlined IIFE) and, with a sink, reports what it finds.
   */
  solve(entry: State, sink: Sink | null): State | undefined {
    const n = this.segments.length;
    this.ctx.stats.functions++;
    this.ctx.stats.segments += n;
    if (n === 0) return entry;
    const inStates: (State | undefined)[] = new Array(n);
    const outStates: (State | undefined)[] = new Array(n);
    const regionStates = new Map<string, State>();
    const regionSegments = new Map<string, number[]>();
    for (let i = 0; i < n; i++) {
      const region = this.handlerRegion[i];
      if (region) {
        let list = regionSegments.get(region);
        if (!list) regionSegments.set(region, (list = []));
        list.push(i);
      }
    }

    const queued = new Uint8Array(n);
    const queue: number[] = [];
    const enqueue = (i: number) => {
      if (!queued[i]) {
        queued[i] = 1;
        queue.push(i);
      }
    };
    const initial = this.index.get(this.codePath.initialSegment);
    if (initial === undefined) return entry;
    enqueue(initial);

    // Each segment's entry can only grow; the cap guards against a bug turning into a hang.
    let budget = 64 * n + 1000;
    const onThrow = (region: string, state: State) => {
      const previous = regionStates.get(region);
      const next = join(previous, markUncertain(this.ctx.facts, state), this.ctx.facts);
      if (next && !sameState(previous, next)) {
        regionStates.set(region, next);
        for (const h of regionSegments.get(region) ?? []) enqueue(h);
      }
    };
    while (queue.length > 0) {
      if (--budget < 0) {
        this.gaveUp = true;
        return undefined;
      }
      const i = queue.shift()!;
      queued[i] = 0;
      this.ctx.stats.transfers++;
      const entryState = i === initial ? entry : this.entryState(i, outStates, regionStates);
      if (!entryState) continue;
      inStates[i] = entryState;
      const out = this.transfer(entryState, this.events[i], NO_SINK, onThrow, false);
      if (sameState(outStates[i], out)) continue;
      outStates[i] = out;
      for (const next of this.segments[i].nextSegments) {
        const j = this.index.get(next);
        if (j !== undefined) enqueue(j);
      }
    }

    if (sink) {
      for (let i = 0; i < n; i++) {
        const state = inStates[i];
        if (state) this.transfer(state, this.events[i], sink, () => {}, true);
      }
    }

    let exitState: State | undefined;
    const exits = new Set<Segment>([...this.codePath.returnedSegments, ...this.codePath.thrownSegments]);
    const returned = new Set<Segment>(this.codePath.returnedSegments);
    const leaks = new Map<Resource, (Node | null)[]>();
    for (const segment of exits) {
      const i = this.index.get(segment);
      let state = i === undefined ? undefined : outStates[i];
      if (!state || i === undefined) continue;
      if (this.resultEscapes) {
        const draft = new Draft(state);
        this.escape(draft, this.resolve(draft, this.resultEscapes));
        state = draft.freeze();
      }
      if (returned.has(segment)) exitState = join(exitState, state, this.ctx.facts);
      if (sink && !this.isInlined) this.checkExit(state, this.abruptEnds[i], sink, leaks);
    }
    // One report per pointer, at its first leaking exit; the repair knows every leaking exit.
    for (const [res, exitNodes] of leaks) {
      const related = this.exitLocation(exitNodes[0]);
      sink?.report("missing-release", res.site, related, { pointer: res.name, exit: related.label }, this.releaseRepair(res, exitNodes, true));
    }
    return exitState;
  }

  private entryState(i: number, outStates: (State | undefined)[], regionStates: Map<string, State>): State | undefined {
    const segment = this.segments[i];
    const region = this.handlerRegion[i];
    let state: State | undefined;
    for (const prev of segment.prevSegments) {
      const p = this.index.get(prev);
      if (p === undefined) continue;
      // Implicit exception edges into a handler are replaced by the throw points.
      if (region && !this.abruptEnds[p] && !this.leaving[p]) continue;
      const out = outStates[p];
      if (!out) continue;
      state = join(state, this.refineEdge(p, i, out), this.ctx.facts);
    }
    if (region) state = join(state, regionStates.get(region), this.ctx.facts);
    return state;
  }

  private refineEdge(from: number, to: number, state: State): State {
    const fork = this.forks[from];
    if (!fork) return state;
    const polarity = this.startNodes[to] === fork.firstNode ? fork.polarity : opposite(fork.polarity);
    return this.ctx.refineCondition(state, fork.test, polarity, this.refineValue);
  }

  // ---- transfer -----------------------------------------------------------

  private resolve(state: { bindings: ReadonlyMap<string, IdSet> }, sym: Sym): IdSet {
    if (!sym) return [];
    switch (sym.t) {
      case "slot":
        return state.bindings.get(sym.key) ?? [];
      case "vals":
        return sym.ids;
      case "union": {
        const all: number[] = [];
        for (const part of sym.parts) all.push(...this.resolve(state, part));
        return fromList(all);
      }
      case "test":
        return fromList(this.resolve(state, sym.of).map((of) => this.ctx.valueId({ kind: "hrTest", of, failed: sym.failed })));
    }
  }

  private resourcesOf(state: { bindings: ReadonlyMap<string, IdSet> }, sym: Sym): Resource[] {
    const out: Resource[] = [];
    for (const id of this.resolve(state, sym)) {
      const value = this.ctx.value(id);
      if (value.kind === "ref") out.push(value.res);
    }
    return out;
  }

  /** The call objects a receiver denotes: tracked ones, else the external object of its slot. */
  private callObjects(draft: Draft, sym: Sym, key: string | null, site: Node): Resource[] {
    const tracked = this.resourcesOf(draft, sym).filter((r) => r.protoKey >= 0);
    if (tracked.length > 0) {
      for (const res of tracked) {
        if (res.ownKey < 0 && !draft.tracks.has(res.protoKey)) draft.setTrack(res.protoKey, [this.ctx.facts.make(Phase.CallUnknown)]);
      }
      return tracked;
    }
    if (key === null) return [];
    const external = this.ctx.externalCall(this, key, site);
    if (!draft.tracks.has(external.protoKey)) draft.setTrack(external.protoKey, [this.ctx.facts.make(Phase.CallUnknown)]);
    return [external];
  }

  private mapTrack(draft: Draft, key: number, fn: (fact: Fact, id: number) => number | number[] | null): void {
    const set = draft.tracks.get(key);
    if (!set) return;
    const out: number[] = [];
    for (const id of set) {
      const next = fn(this.ctx.facts.get(id), id);
      if (next === null) continue;
      if (typeof next === "number") out.push(next);
      else out.push(...next);
    }
    draft.setTrack(key, normalizeTrack(this.ctx.facts, fromList(out)));
  }

  private transfer(entry: State, events: Event[], sink: Sink, onThrow: (region: string, state: State) => void, reporting: boolean): State {
    let draft = new Draft(entry);
    const facts = this.ctx.facts;
    for (const event of events) {
      switch (event.k) {
        case "assign": {
          let values = this.resolve(draft, event.sym);
          if (values.length === 0 && event.aliasOf !== undefined) {
            // `const c = call` where `call` came from outside: both names denote one call object.
            values = [this.ctx.valueId({ kind: "ref", res: this.ctx.externalCall(this, event.aliasOf.key, event.aliasOf.site) })];
          }
          if (event.escapes) this.escape(draft, values);
          draft.dropMembers(event.key);
          // Re-binding a name makes it denote another object: forget the old one's call state.
          const previous = this.ctx.externalIfAny(this, event.key);
          if (previous && !values.includes(this.ctx.valueId({ kind: "ref", res: previous }))) draft.setTrack(previous.protoKey, []);
          draft.setBinding(event.key, values);
          break;
        }
        case "acquire":
          this.applyAcquire(draft, event.res, event.node, event.checked, sink);
          break;
        case "begin":
          this.applyBegin(draft, this.callObjects(draft, event.recv, event.recvKey, event.node), event.node, this.ctx.text(calleeOf(event.node)), sink);
          break;
        case "finish":
          this.applyFinish(draft, this.callObjects(draft, event.recv, event.recvKey, event.node), event.node, event.method, event.resultChecked, sink);
          break;
        case "settle": {
          // `await` of a promise-shaped Begin_: the call is finished when the promise settles.
          for (const id of this.resolve(draft, event.target)) {
            const value = this.ctx.value(id);
            if (value.kind !== "hrBegin") continue;
            const info = this.ctx.beginInfo(value.begin);
            if (info) this.applyFinish(draft, this.callObjects(draft, info.recv, info.recvKey, value.begin), event.node, info.method, true, sink);
          }
          break;
        }
        case "cancel":
          this.applyCancelThrough(draft, this.resourcesOf(draft, event.recv), event.node, sink);
          break;
        case "release": {
          const targets = this.resourcesOf(draft, event.target);
          if (targets.length === 0 && event.targetKey !== null) {
            // Releasing a call object this function did not create: it still must not be left cancelled.
            const external = this.ctx.externalIfAny(this, event.targetKey);
            if (external && draft.tracks.has(external.protoKey)) targets.push(external);
          }
          this.applyRelease(draft, targets, event.node, sink);
          break;
        }
        case "use": {
          for (const res of this.resourcesOf(draft, event.target)) this.checkUse(draft, res, event.node, sink);
          break;
        }
        case "escape":
          this.escapeSym(draft, event.target, event.targetKey);
          break;
        case "return": {
          this.returns?.(draft.freeze(), this.resolve(draft, event.target));
          this.escapeSym(draft, event.target, event.targetKey);
          break;
        }
        case "callLocal":
          this.applyLocalCall(draft, event, sink);
          break;
        case "stopTracking": {
          // After AddRef the reference count is beyond this analysis: forget the pointer entirely.
          for (const res of this.resourcesOf(draft, event.target)) if (res.ownKey >= 0) draft.setTrack(res.ownKey, []);
          break;
        }
        case "manage": {
          for (const res of this.resourcesOf(draft, event.target)) {
            if (res.ownKey >= 0) this.mapTrack(draft, res.ownKey, (fact, id) => (this.isHeld(fact) ? facts.derive(id, Phase.PtrManaged, null, null) : id));
          }
          break;
        }
        case "throwPoint": {
          onThrow(event.region, draft.freeze());
          break;
        }
        case "scopeEnd":
          this.dropScope(draft, event.keys);
          break;
        case "hrHandled":
          draft = new Draft(this.refineValue(draft.freeze(), event.target, "success", null));
          break;
        case "soften":
          draft = new Draft(markUncertain(facts, draft.freeze()));
          break;
        case "inline": {
          const exit = event.child.solve(draft.freeze(), reporting ? sink : null);
          if (exit) draft = new Draft(exit);
          break;
        }
      }
    }
    return draft.freeze();
  }

  // ---- the protocol's transitions, shared by direct calls and summaries ----

  private applyAcquire(draft: Draft, res: Resource, node: Node, checked: boolean, sink: Sink): void {
    const facts = this.ctx.facts;
    const before = draft.tracks.get(res.ownKey);
    if (before && before.some((id) => this.isHeld(facts.get(id)))) {
      sink.report("missing-release", res.site, this.relatedNode(node, "where it is acquired again before being released"), { pointer: res.name, exit: `line ${node.loc.start.line}, where it is acquired again` }, this.releaseRepair(res, [], false));
    }
    draft.setTrack(res.ownKey, [facts.make(checked ? Phase.PtrOwned : Phase.PtrUnchecked)]);
    if (res.protoKey >= 0) draft.setTrack(res.protoKey, [facts.make(Phase.CallIdle)]);
  }

  private applyBegin(draft: Draft, calls: Resource[], node: Node, beginText: string, sink: Sink): void {
    const facts = this.ctx.facts;
    for (const call of calls) {
      this.checkUse(draft, call, node, sink);
      this.mapTrack(draft, call.protoKey, (fact, id) => {
        switch (fact.phase) {
          case Phase.CallUnknown:
          case Phase.CallIdle:
            return facts.derive(id, Phase.CallPending, null, node);
          case Phase.CallPending:
          case Phase.CallCanceled:
            if (!fact.uncertain && fact.begin) {
              const pendingName = this.ctx.beginMethod(fact.begin);
              sink.report(
                "begin-while-pending",
                node,
                this.relatedNode(fact.begin, `the pending ${pendingName}`),
                { call: call.name, begin: beginText, pending: pendingName, line: String(fact.begin.loc.start.line), state: fact.phase === Phase.CallCanceled ? "cancelled but not finished" : "still pending" },
                { kind: "insert-finish", callText: call.name, finishName: this.ctx.finishPrefix + this.pendingMethod(fact.begin), anchor: node, position: "before" },
              );
            }
            return id;
          default:
            return id;
        }
      });
    }
  }

  private applyFinish(draft: Draft, calls: Resource[], node: Node, method: string, resultChecked: boolean, sink: Sink): void {
    const facts = this.ctx.facts;
    const finishText = node.type === "CallExpression" ? this.ctx.text(node.callee) : `${this.ctx.finishPrefix}${method}`;
    for (const call of calls) {
      this.checkUse(draft, call, node, sink);
      this.mapTrack(draft, call.protoKey, (fact, id) => {
        switch (fact.phase) {
          case Phase.CallUnknown:
            return facts.derive(id, Phase.CallIdle, node, null);
          case Phase.CallIdle:
            // A promise-shaped binding may still expect Finish_ after the awaited Begin_ settled.
            if (!fact.uncertain && fact.site?.type !== "AwaitExpression") {
              sink.report(
                "finish-without-begin",
                node,
                fact.site ? this.relatedNode(fact.site, "the earlier Finish_ that already completed the call") : null,
                { call: call.name, finish: finishText, why: fact.site ? `the call was already finished at line ${fact.site.loc.start.line}` : "no call was begun on this call object" },
                null,
              );
            }
            return facts.derive(id, Phase.CallIdle, node, null);
          case Phase.CallPending:
          case Phase.CallCanceled: {
            const pending = fact.begin ? this.ctx.beginMethod(fact.begin) : null;
            if (pending !== null && fact.begin && this.pendingMethod(fact.begin) !== method) {
              if (!fact.uncertain) {
                sink.report("mismatched-finish", node, this.relatedNode(fact.begin, `the pending ${pending}`), { call: call.name, finish: finishText, pending, line: String(fact.begin.loc.start.line) }, null);
              }
              return id;
            }
            if (fact.phase === Phase.CallCanceled && !resultChecked && !fact.uncertain && fact.site && fact.begin) {
              sink.report("unchecked-cancel-result", node, this.relatedNode(fact.site, "the Cancel"), { finish: finishText, line: String(fact.site.loc.start.line) }, null);
            }
            return facts.derive(id, Phase.CallIdle, node, null);
          }
          default:
            return id;
        }
      });
    }
  }

  /** Cancel through cancel pointers: each cancels the call pending on the object it was queried from. */
  private applyCancelThrough(draft: Draft, pointers: Resource[], node: Node, sink: Sink): void {
    for (const pointer of pointers) {
      const valid = this.checkUse(draft, pointer, node, sink);
      if (!valid || !pointer.isCancel || pointer.ownerSlot === null) continue;
      this.applyCancel(draft, this.callObjects(draft, { t: "slot", key: pointer.ownerSlot }, pointer.ownerSlot, pointer.site), node);
    }
  }

  private applyCancel(draft: Draft, calls: Resource[], node: Node): void {
    const facts = this.ctx.facts;
    for (const call of calls) {
      this.mapTrack(draft, call.protoKey, (fact, id) => {
        if (fact.phase === Phase.CallPending) return facts.derive(id, Phase.CallCanceled, node, fact.begin);
        // A call this function did not begin: recorded (summaries need it) but never reported,
        // since whoever began it owes the Finish_ (a cancel helper is a common, correct shape).
        if (fact.phase === Phase.CallUnknown) return facts.derive(id, Phase.CallCanceled, node, null);
        return id;
      });
    }
  }

  private applyRelease(draft: Draft, targets: Resource[], node: Node, sink: Sink): void {
    const facts = this.ctx.facts;
    for (const res of targets) {
      if (res.ownKey >= 0) {
        this.mapTrack(draft, res.ownKey, (fact, id) => {
          switch (fact.phase) {
            case Phase.PtrReleased:
              if (!fact.uncertain && fact.site) {
                sink.report("use-after-release", node, this.relatedNode(fact.site, "the Release"), { pointer: res.name, use: "releases it again", line: String(fact.site.loc.start.line) }, null);
              }
              return id;
            case Phase.PtrUnchecked:
              if (!fact.uncertain) this.reportUnchecked(res, node, sink);
              return facts.derive(id, Phase.PtrReleased, node, null);
            case Phase.PtrFailed:
              return id;
            default:
              return facts.derive(id, Phase.PtrReleased, node, null);
          }
        });
      }
      if (res.protoKey >= 0) {
        for (const id of draft.tracks.get(res.protoKey) ?? []) {
          const fact = facts.get(id);
          if (fact.phase === Phase.CallCanceled && !fact.uncertain && fact.site && fact.begin) {
            this.reportCancelWithoutFinish(res, fact, this.relatedNode(node, "where the call object is released"), `line ${node.loc.start.line}, where ${res.name} is released`, node, sink);
          }
        }
        // Released while pending is fire-and-forget: COM cleans up the call.
        draft.setTrack(res.protoKey, []);
      }
    }
  }

  private escapeSym(draft: Draft, target: Sym, targetKey: string | null): void {
    const values = this.resolve(draft, target);
    this.escape(draft, values);
    if (targetKey !== null && values.length === 0) {
      // Only a call object this function already follows changes; none is created here.
      const external = this.ctx.externalIfAny(this, targetKey);
      if (external && draft.tracks.has(external.protoKey)) draft.setTrack(external.protoKey, [this.ctx.facts.make(Phase.CallUnknown)]);
    }
  }

  /** A call to a function of this file: its summary's effects, or an escape of every argument. */
  private applyLocalCall(draft: Draft, event: Extract<Event, { k: "callLocal" }>, sink: Sink): void {
    const summary = this.ctx.summaryOf(event.callee);
    if (!summary) {
      for (const arg of event.args) this.escapeSym(draft, arg.sym, arg.key);
      return;
    }
    event.args.forEach((arg, i) => {
      const effect = summary.params[i] ?? { kind: "escape" };
      switch (effect.kind) {
        case "none":
          return;
        case "release":
          return this.applyRelease(draft, this.resourcesOf(draft, arg.sym), event.node, sink);
        case "finish":
          return this.applyFinish(draft, this.callObjects(draft, arg.sym, arg.key, arg.expr), event.node, effect.method, true, sink);
        case "begin":
          this.ctx.registerBegin(event.node, effect.method, arg.sym, arg.key);
          return this.applyBegin(draft, this.callObjects(draft, arg.sym, arg.key, arg.expr), event.node, this.ctx.text(calleeOf(event.node)), sink);
        case "cancelCall":
          return this.applyCancel(draft, this.callObjects(draft, arg.sym, arg.key, arg.expr), event.node);
        case "cancelThrough":
          return this.applyCancelThrough(draft, this.resourcesOf(draft, arg.sym), event.node, sink);
        case "escape":
          return this.escapeSym(draft, arg.sym, arg.key);
      }
    });
    const acquired = summary.returns;
    if (acquired) {
      const res = event.result;
      res.isCancel = acquired.isCancel;
      res.ownerSlot = acquired.ownerParam !== null ? (event.args[acquired.ownerParam]?.key ?? null) : null;
      res.mayFail = acquired.mayFail;
      this.applyAcquire(draft, res, event.node, !acquired.mayFail, sink);
    }
  }

  /**
   * Forgets a finished block's variables, and the pointers and call objects only they
   * reached, once nothing is owed on them. Without this, N sequential blocks that each
   * acquire a pointer would make every later state O(N) and the analysis quadratic.
   */
  private dropScope(draft: Draft, keys: string[]): void {
    const dropped: number[] = [];
    for (const key of keys) {
      const values = draft.bindings.get(key);
      if (values) dropped.push(...values);
      if (draft.bindings.has(key)) draft.setBinding(key, undefined);
      draft.dropMembers(key);
      const external = this.ctx.externalIfAny(this, key);
      if (external && this.nothingOwed(draft.tracks.get(external.protoKey))) draft.setTrack(external.protoKey, []);
    }
    if (dropped.length === 0) return;
    const stillReferenced = new Set<number>();
    for (const values of draft.bindings.values()) for (const id of values) stillReferenced.add(id);
    for (const id of dropped) {
      if (stillReferenced.has(id)) continue;
      const value = this.ctx.value(id);
      if (value.kind !== "ref") continue;
      const res = value.res;
      const own = res.ownKey >= 0 ? draft.tracks.get(res.ownKey) : undefined;
      const proto = res.protoKey >= 0 ? draft.tracks.get(res.protoKey) : undefined;
      const ownSettled = !own || own.every((f) => {
        const phase = this.ctx.facts.get(f).phase;
        return phase === Phase.PtrReleased || phase === Phase.PtrFailed || phase === Phase.PtrEscaped || phase === Phase.PtrManaged;
      });
      if (ownSettled && this.nothingOwed(proto)) {
        if (own) draft.setTrack(res.ownKey, []);
        if (proto) draft.setTrack(res.protoKey, []);
      }
    }
  }

  /** A call object with no cancelled call still waiting for its Finish_. */
  private nothingOwed(proto: IdSet | undefined): boolean {
    return !proto || proto.every((f) => this.ctx.facts.get(f).phase !== Phase.CallCanceled);
  }

  private pendingMethod(begin: Node): string {
    return this.ctx.beginInfo(begin)?.method ?? methodOf(this.ctx.beginMethod(begin));
  }

  private isHeld(fact: Fact): boolean {
    return !fact.uncertain && (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked);
  }

  /** Checks a use of a pointer; returns whether it may be a valid, live pointer. */
  private checkUse(draft: Draft, res: Resource, node: Node, sink: Sink): boolean {
    if (res.ownKey < 0) return true;
    const set = draft.tracks.get(res.ownKey);
    if (!set) return true;
    const facts = this.ctx.facts;
    let valid = false;
    let unchecked = false;
    for (const id of set) {
      const fact = facts.get(id);
      if (fact.phase === Phase.PtrReleased && !fact.uncertain && fact.site) {
        sink.report("use-after-release", node, this.relatedNode(fact.site, "the Release"), { pointer: res.name, use: describeUse(node), line: String(fact.site.loc.start.line) }, null);
      }
      if (fact.phase === Phase.PtrUnchecked) {
        unchecked = true;
        if (!fact.uncertain) this.reportUnchecked(res, node, sink);
      }
      if (fact.phase !== Phase.PtrReleased && fact.phase !== Phase.PtrFailed) valid = true;
    }
    // Reported once: after the first use the path is treated as checked.
    if (unchecked) this.mapTrack(draft, res.ownKey, (fact, id) => (fact.phase === Phase.PtrUnchecked ? facts.derive(id, Phase.PtrOwned, null, null) : id));
    return valid;
  }

  private reportUnchecked(res: Resource, node: Node, sink: Sink): void {
    sink.report("unchecked-query-interface", node, this.relatedNode(res.site, "the QueryInterface that may have failed"), { pointer: res.name, line: String(res.site.loc.start.line) }, null);
  }

  private escape(draft: Draft, values: IdSet): void {
    const facts = this.ctx.facts;
    for (const id of values) {
      const value = this.ctx.value(id);
      if (value.kind !== "ref") continue;
      const res = value.res;
      if (res.ownKey >= 0) this.mapTrack(draft, res.ownKey, (fact, fid) => (fact.phase === Phase.PtrOwned || fact.phase === Phase.PtrUnchecked ? facts.derive(fid, Phase.PtrEscaped, null, null) : fid));
      if (res.protoKey >= 0 && draft.tracks.has(res.protoKey)) draft.setTrack(res.protoKey, [facts.make(Phase.CallUnknown)]);
    }
  }

  /** Applies a branch outcome to the values of `sym` (HRESULT tests and null tests). */
  private readonly refineValue: Refiner = (state, sym, hr, ptr) => {
    const values = this.resolve(state, sym);
    if (values.length === 0) return state;
    const draft = new Draft(state);
    const facts = this.ctx.facts;
    for (const id of values) {
      let value = this.ctx.value(id);
      let outcome = hr;
      if (value.kind === "hrTest") {
        // `ok = SUCCEEDED(hr)`: a truthy `ok` is a success of `hr`.
        // Only truthiness tests say something about a boolean (they pass an HRESULT outcome).
        if (hr === null) continue;
        const truthy = hr === "failure";
        outcome = truthy !== value.failed ? "success" : "failure";
        value = this.ctx.value(value.of);
      }
      if (value.kind === "hrTest") continue;
      if (value.kind === "hrBegin") {
        if (outcome !== "failure") continue;
        // A Begin_ that failed started nothing.
        for (const key of [...draft.tracks.keys()]) {
          const res = this.ctx.resource(Math.floor(key / 2));
          if (res.protoKey !== key) continue;
          this.mapTrack(draft, key, (fact, fid) => (fact.begin === value.begin && (fact.phase === Phase.CallPending || fact.phase === Phase.CallCanceled) ? facts.derive(fid, Phase.CallIdle, null, null) : fid));
        }
        continue;
      }
      const result = value.kind === "hrAcquire" ? (outcome === "success" ? "valid" : outcome === "failure" ? "failed" : null) : ptr === "nonnull" ? "valid" : ptr === "null" ? "failed" : null;
      if (result === null || value.res.ownKey < 0) continue;
      this.mapTrack(draft, value.res.ownKey, (fact, fid) => {
        if (result === "valid") return fact.phase === Phase.PtrUnchecked ? facts.derive(fid, Phase.PtrOwned, null, null) : fid;
        return fact.phase === Phase.PtrUnchecked || fact.phase === Phase.PtrOwned ? facts.derive(fid, Phase.PtrFailed, null, null) : fid;
      });
    }
    return draft.freeze();
  };

  // ---- exits --------------------------------------------------------------

  private checkExit(state: State, exitNode: Node | null, sink: Sink, leaks: Map<Resource, (Node | null)[]>): void {
    const facts = this.ctx.facts;
    const related = this.exitLocation(exitNode);
    for (const [key, set] of state.tracks) {
      const res = this.ctx.resource(Math.floor(key / 2));
      if (key === res.ownKey) {
        if (set.some((id) => this.isHeld(facts.get(id)))) {
          const list = leaks.get(res) ?? [];
          if (!list.includes(exitNode)) list.push(exitNode);
          leaks.set(res, list);
        }
      } else if (key === res.protoKey) {
        for (const id of set) {
          const fact = facts.get(id);
          if (fact.phase === Phase.CallCanceled && !fact.uncertain && fact.site && fact.begin) this.reportCancelWithoutFinish(res, fact, related, related.label, exitNode, sink);
        }
      }
    }
  }

  private reportCancelWithoutFinish(call: Resource, fact: Fact, related: RelatedLocation, where: string, exit: Node | null, sink: Sink): void {
    const cancelNode = fact.site!;
    const pending = fact.begin ? this.ctx.beginMethod(fact.begin) : null;
    const finishName = fact.begin ? this.ctx.finishPrefix + this.pendingMethod(fact.begin) : `${this.ctx.finishPrefix}…`;
    sink.report(
      "cancel-without-finish",
      cancelNode,
      related,
      { call: call.name, cancel: this.ctx.text(calleeOf(cancelNode)), finish: finishName, exit: where },
      // Before the exit that misses it; at the end of the function, right after the Cancel/Release sequence.
      pending ? (exit ? { kind: "insert-finish", callText: call.name, finishName, anchor: exit, position: "before" } : { kind: "insert-finish", callText: call.name, finishName, anchor: cancelNode, position: "after" }) : null,
    );
  }

  private releaseRepair(res: Resource, exits: (Node | null)[], exitsKnown: boolean): Repair | null {
    if (!res.ownerStatement) return null;
    return { kind: "insert-release", pointerText: res.name, owner: res.ownerStatement, exits, exitsKnown, mayBeNull: res.mayFail, scopeNode: this.node };
  }

  private relatedNode(node: Node, label: string): RelatedLocation {
    return { loc: node.loc, range: node.range, label: `${label} (line ${node.loc.start.line})` };
  }

  private exitLocation(exitNode: Node | null): RelatedLocation {
    if (exitNode) {
      const what = exitNode.type === "ThrowStatement" ? "the throw" : "the return";
      return { loc: exitNode.loc, range: exitNode.range, label: `${what} at line ${exitNode.loc.start.line}` };
    }
    const end = this.node.loc.end;
    const endOffset = this.node.range[1];
    const what = this.node.type === "Program" ? "the end of the module" : "the end of the function";
    return { loc: { start: end, end }, range: [endOffset, endOffset], label: `${what} at line ${end.line}` };
  }
}

/** `Begin_GetPrice` -> `GetPrice`. */
function methodOf(prefixed: string): string {
  return prefixed.slice(prefixed.indexOf("_") + 1);
}

function calleeOf(node: Node): Node {
  return node.type === "CallExpression" ? node.callee : node;
}

function describeUse(node: Node): string {
  if (node.type === "CallExpression") {
    const callee = node.callee.type === "ChainExpression" ? node.callee.expression : node.callee;
    if (callee.type === "MemberExpression" && !callee.computed && callee.property.type === "Identifier") return `calls ${callee.property.name} on it`;
    return "passes it on";
  }
  return "uses it";
}

/** Given the node where the first successor of a fork starts, finds the condition and its value on that edge. */
function forkAt(node: Node): ForkInfo | null {
  const parent = node.parent;
  if (!parent) return null;
  switch (parent.type) {
    case "LogicalExpression":
      if (node === parent.right) {
        const polarity: Polarity = parent.operator === "&&" ? "truthy" : parent.operator === "||" ? "falsy" : "nullish";
        return { test: parent.left, polarity, firstNode: node };
      }
      return null;
    case "IfStatement":
    case "ConditionalExpression":
      if (node === parent.consequent) return { test: parent.test, polarity: "truthy", firstNode: node };
      return null;
    case "WhileStatement":
    case "ForStatement":
      if (node === parent.body && parent.test) return { test: parent.test, polarity: "truthy", firstNode: node };
      return null;
    case "MemberExpression":
      if (parent.optional && node === parent.property) return { test: parent.object, polarity: "nonnullish", firstNode: node };
      return null;
    default:
      return null;
  }
}
