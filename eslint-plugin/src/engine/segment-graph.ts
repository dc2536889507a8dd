/**
 * The segment graph of one code path (a function, a class field initializer,
 * or the module's top level), as ESLint builds it, with the protocol events
 * recorded into each segment while ESLint walks the AST, the branch condition
 * at each fork, the explicit exits, and the try/catch/finally regions the
 * solver needs to model exceptions. Recording only: nothing is solved here.
 */
import type { Rule } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import type { GuardVariables } from "./correlations";
import type { Event, ForkInfo, Polarity, Sym } from "./model";

/**
 * The events that can put a fact into a state with none (transfer.ts, transitions.ts): an
 * acquisition, the external call object a Begin_/Finish_/Cancel receiver or an awaited Begin_
 * makes (`callObjects`), and what a summarised call does (it may begin, finish or acquire). Every
 * other event only maps, moves or drops facts already there, and every finding and module-pointer
 * note needs one (a fact on the pointer or call object it is about); bindings alone report nothing.
 */
const FACT_SOURCES: ReadonlySet<Event["k"]> = new Set(["acquire", "begin", "finish", "settle", "cancel", "callLocal"]);

/**
 * The events whose transfer can report (through the sink, or as a module-pointer note); the others
 * only change the state, which the fixpoint's last run of the segment has already computed.
 */
const REPORTING_EVENTS: ReadonlySet<Event["k"]> = new Set(["begin", "finish", "settle", "cancel", "release", "use", "callLocal", "inline", "terminate"]);

const NO_EVENTS: readonly Event[] = Object.freeze([]);

type Segment = Rule.CodePathSegment;
type CodePath = Rule.CodePath;
type Node = TSESTree.Node;

export class FunctionGraph {
  readonly segments: Segment[] = [];
  readonly index = new Map<Segment, number>();
  readonly startNodes: Node[] = [];
  /** Per segment, its events in order (`NO_EVENTS`, shared, until the first: half the segments get none). */
  readonly events: (readonly Event[])[] = [];
  readonly forks: (ForkInfo | null)[] = [];
  readonly abruptEnds: (Node | null)[] = [];
  readonly handlerRegion: (string | null)[] = [];
  readonly leaving: boolean[] = [];
  /** Per segment: some event in it can report (the solver's reporting pass runs only these segments). */
  readonly mayReport: boolean[] = [];
  /**
   * Some event of this code path, or of an IIFE inlined into it, can create a fact from an empty
   * state. A path without one, solved from the empty state, holds no fact anywhere and finds
   * nothing: the file analysis does not solve it.
   */
  mayCreateFacts = false;
  /**
   * Releases and uses recorded (an inlined function's counted in): a Release of a pointer the function did not acquire
   * makes a fact (transfer.ts), which only another Release or a use can report on.
   */
  releaseCount = 0;
  useCount = 0;
  /** Indices of the segments ESLint is in now (usually one): events go into each. */
  private readonly current: number[] = [];
  /** Segments (reachable or not) started at each `finally` block, in order. */
  private finallyStarts: Map<TSESTree.TryStatement, (Segment | null)[]> | null = null;
  /** Try regions enclosing the current position, innermost last. */
  readonly regionStack: { tryNode: TSESTree.TryStatement; part: "block" | "catch" | "finally" }[] = [];
  private tryIds: Map<TSESTree.TryStatement, number> | null = null;
  /** Variables set to `true` or `false` here (`flag` events), by key: candidates for correlations.ts. */
  flagKeys: Set<string> | null = null;
  /** The variables whose outcomes this function's facts carry (correlations.ts), worked out when first solved. */
  guardVariables: GuardVariables | null = null;
  /** Set when the solver gave up (iteration cap): the function reports nothing. */
  gaveUp = false;
  /** For a class field initializer: its value, stored in the field when the path ends. */
  resultEscapes: Sym = null;

  constructor(
    readonly codePath: CodePath,
    readonly node: Node,
    readonly parent: FunctionGraph | null,
    readonly isInlined: boolean,
  ) {}

  // ---- recording, driven by ESLint's code path events ---------------------

  onSegmentStart(segment: Segment, node: Node): void {
    const i = this.segments.length;
    this.segments.push(segment);
    this.index.set(segment, i);
    this.startNodes.push(node);
    this.events.push(NO_EVENTS);
    this.forks.push(null);
    this.abruptEnds.push(null);
    this.handlerRegion.push(node.type === "CatchClause" ? this.regionKey(node.parent as TSESTree.TryStatement, "catch") : null);
    this.leaving.push(false);
    this.mayReport.push(false);
    this.current.push(i);
    this.noteFinallyStart(segment, node);
  }

  /** Unreachable segments carry no facts, but count when telling a `finally`'s normal and abrupt halves apart. */
  onUnreachableSegmentStart(node: Node): void {
    this.noteFinallyStart(null, node);
  }

  private noteFinallyStart(segment: Segment | null, node: Node): void {
    const parent = node.parent;
    if (parent?.type === "TryStatement" && parent.finalizer === node) {
      // Made at the first `finally` (most code paths have none; every function and arrow makes a graph).
      this.finallyStarts ??= new Map();
      let list = this.finallyStarts.get(parent);
      if (!list) this.finallyStarts.set(parent, (list = []));
      list.push(segment);
    }
  }

  private forksChecked = false;

  /**
   * The forks whose condition does choose between the segment's successors: one of them starts at the condition's
   * first edge. A segment ESLint ends at a block it leaves with two successors (a `continue` inside an `if`'s
   * consequent, to the loop's next item or its end) was read as a fork on the `if`'s test.
   */
  checkedForks(): readonly (ForkInfo | null)[] {
    if (this.forksChecked) return this.forks;
    this.forksChecked = true;
    this.forks.forEach((fork, i) => {
      if (fork && !this.segments[i].nextSegments.some((next) => this.startNodes[this.index.get(next) ?? -1] === fork.firstNode)) this.forks[i] = null;
    });
    return this.forks;
  }

  onSegmentEnd(segment: Segment, node: Node): void {
    const i = this.index.get(segment);
    if (i === undefined) return;
    // Removed by moving the last one into its place (the order of the current segments means nothing): a
    // `splice` here, once per segment, counted about 400 instructions each in V8's builtin.
    const current = this.current;
    const at = current.indexOf(i);
    if (at >= 0) {
      current[at] = current[current.length - 1];
      current.pop();
    }
    if (segment.nextSegments.length >= 2) this.forks[i] = forkAt(node);
  }

  /**
   * The current segments end with this `return` or `throw` (called once its
   * argument is evaluated): their edges are explicit exits, not implicit exceptions.
   */
  markAbrupt(node: Node): void {
    for (const i of this.current) this.abruptEnds[i] = node;
  }

  record(event: Event): void {
    if (FACT_SOURCES.has(event.k) || (event.k === "inline" && event.child.mayCreateFacts)) this.mayCreateFacts = true;
    else if (event.k === "release" || event.k === "use" || event.k === "inline") {
      if (event.k === "release") this.releaseCount++;
      else if (event.k === "use") this.useCount++;
      else {
        this.releaseCount += event.child.releaseCount;
        this.useCount += event.child.useCount;
      }
      if (this.releaseCount > 0 && this.releaseCount + this.useCount >= 2) this.mayCreateFacts = true;
    }
    if (event.k === "flag") (this.flagKeys ??= new Set()).add(event.key);
    // Storing into a module variable notes the pointer as the module's (transfer.ts, `noteModuleHeld`).
    // (And assigning a local again, which may lose the pointer it held: held-notes.ts `loseOverwritten`.)
    const reports = REPORTING_EVENTS.has(event.k) || (event.k === "assign" && (event.heldBy !== undefined || event.rebinds !== undefined));
    for (const i of this.current) {
      const list = this.events[i];
      if (list === NO_EVENTS) this.events[i] = [event];
      else (list as Event[]).push(event);
      if (reports) this.mayReport[i] = true;
    }
  }

  /**
   * Does every segment come after all its predecessors, with no try region modelled (its throw points add edges
   * ESLint does not draw)? Then one pass in order gives each segment its final entry state at its first run: no
   * loop to iterate, no join to revisit. Asked once the code path has ended.
   */
  isForwardOnly(): boolean {
    if (this.tryIds !== null) return false;
    for (let i = 0; i < this.segments.length; i++) {
      for (const prev of this.segments[i].prevSegments) {
        const p = this.index.get(prev);
        if (p !== undefined && p >= i) return false;
      }
    }
    return true;
  }

  /**
   * Can a Finish_ run after the event made at `node` (a Cancel) on some path of this code path, before a Begin_ on the
   * call object `recvKey` names starts another call: later in its segment or in a segment reachable from it? A call of
   * the file's own code, or an inlined function, may finish too. Implicit exception edges into a handler are not
   * followed (spec 3a: such paths never cause a report, nor withhold a repair). True when no event was made at `node`
   * here (nothing is known).
   */
  mayFinishAfter(node: Node, recvKey: string | null): boolean {
    // From `from` in a segment's events: true for a Finish_, false for a new Begin_ on the call, null to go on.
    const scan = (events: readonly Event[], from: number): boolean | null => {
      for (let k = from; k < events.length; k++) {
        const event = events[k];
        if (event.k === "finish" || event.k === "settle" || event.k === "callLocal" || event.k === "inline") return true;
        if (event.k === "begin" && recvKey !== null && event.recvKey === recvKey) return false;
      }
      return null;
    };
    const stack: number[] = [];
    const seen = new Uint8Array(this.segments.length);
    const follow = (i: number) => {
      for (const next of this.segments[i].nextSegments) {
        const j = this.index.get(next);
        if (j === undefined || seen[j] || (this.handlerRegion[j] !== null && this.abruptEnds[i] === null && !this.leaving[i])) continue;
        seen[j] = 1;
        stack.push(j);
      }
    };
    let found = false;
    for (let i = 0; i < this.events.length; i++) {
      // The last event made there: a helper's Cancel is its call's `callLocal`, after the uses of its arguments.
      const at = this.events[i].findLastIndex((event) => "node" in event && event.node === node);
      if (at < 0) continue;
      found = true;
      const here = scan(this.events[i], at + 1);
      if (here === true) return true;
      // Not marked seen: a loop back into this segment runs its events before the Cancel too.
      if (here === null) follow(i);
    }
    if (!found) return true;
    while (stack.length > 0) {
      const j = stack.pop()!;
      const there = scan(this.events[j], 0);
      if (there === true) return true;
      if (there === null) follow(j);
    }
    return false;
  }

  /** Has this code path a `finally` block (whose end may be where `return`s inside its `try` leave the function)? */
  get hasFinally(): boolean {
    return this.finallyStarts !== null;
  }

  get hasCurrentSegment(): boolean {
    return this.current.length > 0;
  }

  regionKey(tryNode: TSESTree.TryStatement, part: "catch" | "finally"): string {
    this.tryIds ??= new Map();
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
    if (!this.finallyStarts) return;
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

  /** The owner of call objects this code path shares: an inlined IIFE shares its caller's. */
  get home(): FunctionGraph {
    let graph: FunctionGraph = this;
    while (graph.isInlined && graph.parent) graph = graph.parent;
    return graph;
  }
}

/**
 * Calls `visit` with every event of these code paths, in order. Indexed loops: the file-wide walks that use it run
 * once per file, often before V8 has optimised them, where an array iterator allocates a result object per step.
 */
export function forEachEvent(graphs: Iterable<FunctionGraph>, visit: (event: Event, graph: FunctionGraph) => void): void {
  for (const graph of graphs) {
    const lists = graph.events;
    for (let i = 0; i < lists.length; i++) {
      const events = lists[i];
      for (let j = 0; j < events.length; j++) visit(events[j], graph);
    }
  }
}

/** Negation of a polarity for the other successor of a fork. */
export function opposite(p: Polarity): Polarity {
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


/** Given the node where the first successor of a fork starts, finds the condition and its value on that edge. */
export function forkAt(node: Node): ForkInfo | null {
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
      // `for (...; test; update)`: the walk enters the update before the body, which the true edge still leads to.
      if (parent.type === "ForStatement" && node === parent.update && parent.test) return { test: parent.test, polarity: "truthy", firstNode: parent.body };
      return null;
    case "MemberExpression":
      if (parent.optional && node === parent.property) return { test: parent.object, polarity: "nonnullish", firstNode: node };
      return null;
    default:
      return null;
  }
}

