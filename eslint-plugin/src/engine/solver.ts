/**
 * The worklist fixpoint over one code path's segments.
 *
 * A segment's entry state is the join of its predecessors' exit states,
 * refined on branch edges by the condition that chose the edge. Loops simply
 * re-propagate until nothing changes; every segment is processed a bounded
 * number of times (the facts are finite and joins only grow), so the cost is
 * linear in the size of the function for a fixed number of tracked objects:
 * no path is ever enumerated.
 *
 * Exceptions follow the spec's model. Inside a `try`, every call is a throw
 * point; the state at that point (after the call's own effect for Finish_ and
 * Release, before it for everything else) flows to the handler as uncertain
 * facts. ESLint's own implicit edges into `catch` and into the abrupt
 * `finally` path are replaced by these; explicit `throw` and `return` edges
 * are kept as ordinary paths.
 *
 * Findings are made in a second pass over the converged entry states, so
 * each is made once, from the final state.
 */
import type { Rule } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { Draft, Fact, Phase, State, join, markUncertain, sameState } from "./facts";
import { Exit, NO_SINK, Sink } from "./findings";
import { unwrapExpression } from "./ast";
import type { EngineContext, Event, Resource } from "./model";
import { FunctionGraph, opposite } from "./segment-graph";
import { Transfer } from "./transfer";
import { onOutcome } from "./correlations";
import { finishedOnSomePath } from "./transition-findings";

type Segment = Rule.CodePathSegment;

/** The state entries (bindings and tracked facts) one function's fixpoint may go over: a few thousand times what real code needs. */
const STATE_ENTRIES_BUDGET = 4_000_000;

/** A state's bindings, and the facts of its tracks (a call object's track keeps a fact per Begin_ that may be pending). */
function stateSize(state: State): number {
  let size = state.bindings.size;
  for (const set of state.tracks.values()) size += set.length;
  return size;
}

export interface SolveOptions {
  /** Receives the state and returned values at each `return` (summaries). */
  onReturn?: NonNullable<Transfer["onReturn"]>;
  /** Receives the members of each object stored into a module variable (summaries: fields the helper shares). */
  onModuleStore?: NonNullable<Transfer["onModuleStore"]>;
  /** Called with the entry state of every segment once converged (the debug view). */
  onConverged?: (inStates: readonly (State | undefined)[], outStates: readonly (State | undefined)[]) => void;
  /**
   * No caller reads the state at the function's end (a function solved for its findings): it is not joined. Joined
   * over every `return`, it keeps what each path left (a function of thousands of early returns, each with its own
   * box, made that join quadratic: a 4,000-block function took 19 s).
   */
  noExitState?: boolean;
}

/**
 * The last solve's transfer (with its transitions) and a draft, kept until the next solve replaces them. V8's
 * optimised code for the transfer, the transitions and drafts checks those objects' hidden classes, and holds the
 * classes weakly: a full collection that finds no such object alive (one between two lints, as bench (b) forces
 * before counting; a CLI run's collections, in the middle of files, were not seen to) drops them and that code
 * with them, and the next file compiles it all again (a tenth of what bench (b) counted of the engine). Kept,
 * they cost a few small objects: the file analysis they refer to is ESLint's last SourceCode's, kept anyway.
 */
const kept: { transfer: Transfer | null; draft: Draft | null } = { transfer: null, draft: null };

/**
 * Runs the fixpoint from `entry`; returns the join of the normal exits' states
 * (for an inlined IIFE and for summaries) and, with a sink, reports what it finds.
 */
export function solve(ctx: EngineContext, graph: FunctionGraph, entry: State, sink: Sink | null, options: SolveOptions = {}): State | undefined {
  const n = graph.segments.length;
  ctx.stats.functions++;
  ctx.stats.segments += n;
  if (n === 0) return entry;
  const transfer = new Transfer(ctx, graph);
  kept.transfer = transfer;
  kept.draft = new Draft(entry);
  transfer.onReturn = options.onReturn ?? null;
  transfer.onModuleStore = options.onModuleStore ?? null;
  const inStates: (State | undefined)[] = new Array(n);
  const outStates: (State | undefined)[] = new Array(n);
  const regionStates = new Map<string, State>();
  const regionSegments = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const region = graph.handlerRegion[i];
    if (!region) continue;
    let list = regionSegments.get(region);
    if (!list) regionSegments.set(region, (list = []));
    list.push(i);
  }

  const queued = new Uint8Array(n);
  const queue: number[] = [];
  const enqueue = (i: number) => {
    if (!queued[i]) {
      queued[i] = 1;
      queue.push(i);
    }
  };
  const initial = graph.index.get(graph.codePath.initialSegment);
  if (initial === undefined) return entry;
  enqueue(initial);

  // Each segment's entry can only grow; the cap guards against a bug turning into a hang.
  let budget = 64 * n + 1000;
  // And the states' sizes: a function whose states keep thousands of objects (one box filled again in thousands of
  // branches: every object may be the one it holds) costs the square of its length in time and memory; past this it is
  // left unanalysed, as a hang would be, rather than exhausting the process (a 12,000-line function took 4 GB).
  let entriesLeft = STATE_ENTRIES_BUDGET;
  const onThrow = (region: string, state: State) => {
    const previous = regionStates.get(region);
    const next = join(previous, markUncertain(ctx.facts, state), ctx.facts);
    if (next && !sameState(previous, next)) {
      regionStates.set(region, next);
      for (const h of regionSegments.get(region) ?? []) enqueue(h);
    }
  };
  // Without loops or try regions, each segment runs once, from its final entry state, and reports in the same run:
  // the worklist would run a join again as each of its predecessors settles, and the reporting pass each segment again.
  const onePass = graph.isForwardOnly();
  /** Segment `i`'s entry state now (noted in `inStates`), undefined for none yet, or null once the states outgrow the budget. */
  const enter = (i: number): State | undefined | null => {
    ctx.stats.transfers++;
    const entryState = i === initial ? entry : entryStateOf(ctx, graph, transfer, i, outStates, regionStates);
    if (!entryState) return undefined;
    inStates[i] = entryState;
    const entries = stateSize(entryState);
    ctx.stats.stateEntries += entries;
    entriesLeft -= entries;
    return entriesLeft < 0 ? null : entryState;
  };
  if (onePass) {
    queue.length = 0;
    for (let i = initial; i < n; i++) {
      const entryState = enter(i);
      if (entryState === null) {
        graph.gaveUp = true;
        return undefined;
      }
      if (!entryState) continue;
      const reporting = sink !== null && graph.mayReport[i];
      outStates[i] = transfer.run(entryState, graph.events[i], reporting ? sink : NO_SINK, onThrow, reporting);
    }
  }
  while (queue.length > 0) {
    if (--budget < 0) {
      graph.gaveUp = true;
      return undefined;
    }
    const i = queue.shift()!;
    queued[i] = 0;
    const entryState = enter(i);
    if (entryState === null) {
      graph.gaveUp = true;
      return undefined;
    }
    if (!entryState) continue;
    // Out states only grow: the transitions normalize tracks (an uncertain fact beside its certain twin is
    // dropped, facts of one kind collapse), so a larger entry can give a smaller exit, and a loop could
    // alternate between two states until the budget ran out (and its findings were lost). Joining with the
    // last exit makes every exit an ascending chain over finitely many facts: the fixpoint is reached.
    const out = join(outStates[i], transfer.run(entryState, graph.events[i], NO_SINK, onThrow, false), ctx.facts)!;
    if (sameState(outStates[i], out)) continue;
    outStates[i] = out;
    for (const next of graph.segments[i].nextSegments) {
      const j = graph.index.get(next);
      if (j !== undefined) enqueue(j);
    }
  }
  options.onConverged?.(inStates, outStates);

  if (sink && !onePass) {
    // The fixpoint's last run of each segment was from its converged entry state: it has interned
    // every fact and noted every re-acquisition the reporting run would, so a segment without an
    // event that reports needs no second run.
    for (let i = 0; i < n; i++) {
      const state = inStates[i];
      if (state && graph.mayReport[i]) transfer.run(state, graph.events[i], sink, () => {}, true);
    }
  }

  let exitState: State | undefined;
  const exits = new Set<Segment>([...graph.codePath.returnedSegments, ...graph.codePath.thrownSegments]);
  const returned = new Set<Segment>(graph.codePath.returnedSegments);
  const leaks = new Map<Resource, Exit[]>();
  for (const segment of exits) {
    const i = graph.index.get(segment);
    let state = i === undefined ? undefined : outStates[i];
    if (!state || i === undefined) continue;
    if (graph.resultEscapes) {
      const draft = new Draft(state);
      transfer.transitions.escape(draft, transfer.transitions.resolve(draft, graph.resultEscapes));
      state = draft.freeze();
    }
    if (returned.has(segment) && !options.noExitState) exitState = join(exitState, state, ctx.facts);
    if (sink && !graph.isInlined) {
      const through = graph.abruptEnds[i] === null && graph.hasFinally ? returnsThroughFinally(graph, i, outStates) : NO_RETURNS;
      checkExit(ctx, transfer, state, exitOf(graph, graph.abruptEnds[i]), through, sink, leaks, graph.node.type === "Program");
    }
  }
  for (const [res, exitList] of transfer.terminateLeaks) leaks.set(res, [...(leaks.get(res) ?? []), ...exitList]);
  // One report per pointer: where it is acquired again while held, else at its first leaking
  // exit; the finding knows every leaking exit.
  const t = transfer.transitions;
  if (sink) {
    for (const [res, node] of t.reacquired) sink.report(t.missingRelease(res, { reacquired: node }, []));
    for (const [res, overwritten] of transfer.overwritten) if (!t.reacquired.has(res)) sink.report(t.missingRelease(res, { overwritten }, []));
    for (const [res, exitList] of leaks) if (!t.reacquired.has(res)) sink.report(t.missingRelease(res, { exit: exitList[0] }, exitList));
  }
  return exitState;
}

function entryStateOf(ctx: EngineContext, graph: FunctionGraph, transfer: Transfer, i: number, outStates: (State | undefined)[], regionStates: Map<string, State>): State | undefined {
  const segment = graph.segments[i];
  const region = graph.handlerRegion[i];
  let state: State | undefined;
  for (const prev of segment.prevSegments) {
    const p = graph.index.get(prev);
    if (p === undefined) continue;
    // Implicit exception edges into a handler are replaced by the throw points.
    if (region && !graph.abruptEnds[p] && !graph.leaving[p]) continue;
    const out = outStates[p];
    if (!out) continue;
    state = join(state, refineEdge(ctx, graph, transfer, p, i, out), ctx.facts);
  }
  if (region) state = join(state, regionStates.get(region), ctx.facts);
  return state;
}

function refineEdge(ctx: EngineContext, graph: FunctionGraph, transfer: Transfer, from: number, to: number, state: State): State {
  const fork = graph.checkedForks()[from];
  // A condition's outcome only narrows the facts of the values it tests (`Transfer.refineValue`):
  // on a state with none, nothing to narrow, and the condition's symbolic value need not be built.
  if (!fork) return state;
  const polarity = graph.startNodes[to] === fork.firstNode ? fork.polarity : opposite(fork.polarity);
  const refined = state.tracks.size === 0 ? state : ctx.refineCondition(state, fork.test, polarity, transfer.refineValue);
  // A variable tested again, or a flag: the facts its other outcome made do not come this way (correlations.ts).
  const outcome = ctx.guardVariables(graph).outcome(fork.test, polarity);
  return outcome === null ? refined : onOutcome(ctx.facts, refined, outcome.variable, outcome.truthy);
}

interface ReturnThroughFinally {
  exit: Exit;
  /** The state the `return` left its segment in, before the `finally` ran. */
  state: State;
  /** Does the `finally` it runs release something, or call a function of the file that may? */
  finallyMayRelease: boolean;
  /** Does the `finally` it runs finish a call, or call a function of the file that may? */
  finallyMayFinish: boolean;
}

const NO_RETURNS: readonly ReturnThroughFinally[] = [];

/**
 * The `return`s whose paths reach exit segment `i` through a `finally` (`try { if (bad) return -1; ... } finally { log() }`):
 * ESLint ends such a path after the `finally` block, but the place a message names and a repair writes at is the `return`.
 * Found by walking back over segments no `return` or `throw` ends, a few dozen at most: a `return` ends its segment, and
 * only a `finally` follows one.
 */
function returnsThroughFinally(graph: FunctionGraph, i: number, outStates: readonly (State | undefined)[]): readonly ReturnThroughFinally[] {
  const found: ReturnThroughFinally[] = [];
  const seen = new Set<number>([i]);
  const stack = [i];
  while (stack.length > 0 && seen.size <= 64) {
    for (const prev of graph.segments[stack.pop()!].prevSegments) {
      const p = graph.index.get(prev);
      if (p === undefined || seen.has(p)) continue;
      seen.add(p);
      const end = graph.abruptEnds[p];
      const state = outStates[p];
      if (end === null) stack.push(p);
      else if (end.type === "ReturnStatement" && state) found.push({ exit: exitOf(graph, end), state, finallyMayRelease: finallyHolds(graph, end, RELEASING), finallyMayFinish: finallyHolds(graph, end, FINISHING) });
    }
  }
  return found.sort((a, b) => a.exit.range[0] - b.exit.range[0]);
}

/** The events that may release a pointer, or finish a call: the transition itself, or the file's own code called. */
const RELEASING: ReadonlySet<Event["k"]> = new Set(["release", "callLocal", "inline"]);
const FINISHING: ReadonlySet<Event["k"]> = new Set(["finish", "settle", "callLocal", "inline"]);

/** Does a `finally` the `return` runs on its way out hold one of these events? */
function finallyHolds(graph: FunctionGraph, node: TSESTree.Node, kinds: ReadonlySet<Event["k"]>): boolean {
  const finalizers: TSESTree.BlockStatement[] = [];
  for (let child = node, parent = node.parent; parent && parent !== graph.node; child = parent, parent = parent.parent) {
    if (parent.type === "TryStatement" && parent.finalizer && child !== parent.finalizer) finalizers.push(parent.finalizer);
  }
  return graph.events.some((events, i) => {
    const start = graph.startNodes[i].range[0];
    return finalizers.some((f) => start >= f.range[0] && start < f.range[1]) && events.some((e) => kinds.has(e.k));
  });
}

/**
 * Reports what is owed at an exit: pointers held (noted in `leaks`, reported once per pointer by the caller) and calls cancelled
 * and not finished. Where the exit is the end of a `finally` some `return`s reach, it is named by the first of them that owes it.
 */
function checkExit(ctx: EngineContext, transfer: Transfer, state: State, exitHere: Exit, through: readonly ReturnThroughFinally[], sink: Sink, leaks: Map<Resource, Exit[]>, topLevel: boolean): void {
  const facts = ctx.facts;
  const returnOwing = (key: number, owes: (fact: Fact) => boolean) => through.find((r) => r.state.tracks.get(key)?.some((id) => owes(facts.get(id))));
  for (const [key, set] of state.tracks) {
    const res = ctx.resource(Math.floor(key / 2));
    if (topLevel && res.outlivesTopLevel) continue;
    if (key === res.ownKey) {
      // A field its helper also keeps (`gpu.swapChain`, filed in `activeGpu` too) is owed only when the path tore its object down.
      if (set.some((id) => transfer.transitions.isOwed(res, facts.get(id))) || (res.shared && ctx.objects.leftOverFromTeardown(facts, state, res))) {
        const at = returnOwing(key, (fact) => transfer.transitions.isOwed(res, fact));
        const exit = at?.exit ?? exitHere;
        let list = leaks.get(res);
        if (!list) leaks.set(res, (list = []));
        // Released on some path to this exit: a Release written at the `return` would release twice. (For a `return` through a
        // `finally`: on its way there, or maybe in that `finally`.)
        const releasedOn = (ids: readonly number[]) => ids.some((id) => facts.get(id).phase === Phase.PtrReleased && !facts.get(id).uncertain);
        const releasedThere = at ? at.finallyMayRelease || releasedOn(at.state.tracks.get(key) ?? []) : releasedOn(set);
        const known = list.findIndex((e) => e.node === exit.node);
        if (known < 0) list.push(releasedThere ? { ...exit, releasedThere } : exit);
        else if (releasedThere && !list[known].releasedThere) list[known] = { ...list[known], releasedThere };
      }
    } else if (key === res.protoKey) {
      // A call object in a field (`this.call`, `obj.call`) outlives this function: its state is the object's.
      if (isHeldByObject(res)) continue;
      for (const id of set) {
        const fact = facts.get(id);
        if (fact.phase !== Phase.CallCanceled || fact.uncertain || !fact.site || !fact.begin) continue;
        const at = returnOwing(key, (owed) => owed.phase === Phase.CallCanceled && !owed.uncertain);
        // (A `finally` the `return` runs may finish it: taken as finishing it there.)
        const finishedThere = at ? at.finallyMayFinish || finishedOnSomePath(ctx.facts, at.state.tracks.get(key) ?? []) : finishedOnSomePath(ctx.facts, set);
        transfer.transitions.reportCancelWithoutFinish(res, fact, { exit: at?.exit ?? exitHere }, finishedThere, sink);
      }
    }
  }
}

/** Is this a call object this function did not create, reached through a member path (a field)? */
function isHeldByObject(res: Resource): boolean {
  if (res.ownKey >= 0) return false;
  let receiver: TSESTree.Node = res.site;
  if (receiver.type === "CallExpression") {
    const callee = unwrapExpression(receiver.callee);
    if (callee.type !== "MemberExpression") return false;
    receiver = callee.object;
  }
  return unwrapExpression(receiver).type === "MemberExpression";
}

/** The exit a segment ends in: its `return`/`throw`, or the end of the code path. */
export function exitOf(graph: FunctionGraph, node: TSESTree.Node | null): Exit {
  if (node && (node.type === "ReturnStatement" || node.type === "ThrowStatement")) {
    return { node, loc: node.loc, range: node.range, what: node.type === "ThrowStatement" ? "the throw" : "the return" };
  }
  const end = graph.node.loc.end;
  const endOffset = graph.node.range[1];
  return { node: null, loc: { start: end, end }, range: [endOffset, endOffset], what: graph.node.type === "Program" ? "the end of the module" : "the end of the function" };
}
