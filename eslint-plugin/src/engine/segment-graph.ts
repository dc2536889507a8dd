/**
 * The segment graph of one code path (a function, a class field initializer,
 * or the module's top level), as ESLint builds it, with the protocol events
 * recorded into each segment while ESLint walks the AST, the branch condition
 * at each fork, the explicit exits, and the try/catch/finally regions the
 * solver needs to model exceptions. Recording only: nothing is solved here.
 */
import type { Rule } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import type { Event, ForkInfo, Polarity, Sym } from "./model";

type Segment = Rule.CodePathSegment;
type CodePath = Rule.CodePath;
type Node = TSESTree.Node;

export class FunctionGraph {
  readonly segments: Segment[] = [];
  readonly index = new Map<Segment, number>();
  readonly startNodes: Node[] = [];
  readonly events: Event[][] = [];
  readonly forks: (ForkInfo | null)[] = [];
  readonly abruptEnds: (Node | null)[] = [];
  readonly handlerRegion: (string | null)[] = [];
  readonly leaving: boolean[] = [];
  /** Indices of the segments ESLint is in now (usually one): events go into each. */
  private readonly current: number[] = [];
  private edgeLists: EdgeLists | null = null;
  /** Segments (reachable or not) started at each `finally` block, in order. */
  private readonly finallyStarts = new Map<TSESTree.TryStatement, (Segment | null)[]>();
  /** Try regions enclosing the current position, innermost last. */
  readonly regionStack: { tryNode: TSESTree.TryStatement; part: "block" | "catch" | "finally" }[] = [];
  private readonly tryIds = new Map<TSESTree.TryStatement, number>();
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
    this.events.push([]);
    this.forks.push(null);
    this.abruptEnds.push(null);
    this.handlerRegion.push(node.type === "CatchClause" ? this.regionKey(node.parent as TSESTree.TryStatement, "catch") : null);
    this.leaving.push(false);
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
      let list = this.finallyStarts.get(parent);
      if (!list) this.finallyStarts.set(parent, (list = []));
      list.push(segment);
    }
  }

  onSegmentEnd(segment: Segment, node: Node): void {
    const i = this.index.get(segment);
    if (i === undefined) return;
    const at = this.current.indexOf(i);
    if (at >= 0) this.current.splice(at, 1);
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
    for (const i of this.current) this.events[i].push(event);
  }

  get hasCurrentSegment(): boolean {
    return this.current.length > 0;
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

  /**
   * The edges as segment indices, built once when the graph is first solved (a helper is
   * solved again for its summary): the fixpoint then walks integer lists instead of looking
   * every ESLint segment up in `index`, and knows each edge's branch polarity without
   * comparing start nodes on every visit. Flat lists with start offsets: three small arrays
   * per segment cost more to allocate than the lookups they save.
   */
  edges(): EdgeLists {
    if (this.edgeLists) return this.edgeLists;
    const n = this.segments.length;
    const successorStart: number[] = [0];
    const successors: number[] = [];
    const predecessorStart: number[] = [0];
    const predecessors: number[] = [];
    const polarities: (Polarity | null)[] = [];
    for (let i = 0; i < n; i++) {
      const segment = this.segments[i];
      for (const s of segment.nextSegments) {
        const j = this.index.get(s);
        if (j !== undefined) successors.push(j);
      }
      successorStart.push(successors.length);
      const region = this.handlerRegion[i];
      for (const s of segment.prevSegments) {
        const p = this.index.get(s);
        if (p === undefined) continue;
        // Implicit exception edges into a handler are replaced by the throw points.
        if (region && !this.abruptEnds[p] && !this.leaving[p]) continue;
        predecessors.push(p);
        const fork = this.forks[p];
        polarities.push(fork ? (this.startNodes[i] === fork.firstNode ? fork.polarity : opposite(fork.polarity)) : null);
      }
      predecessorStart.push(predecessors.length);
    }
    const exits: number[] = [];
    const returns: boolean[] = [];
    const isExit: boolean[] = [];
    const addExit = (s: Segment, returned: boolean) => {
      const i = this.index.get(s);
      if (i === undefined) return;
      if (returned) returns[i] = true;
      if (!isExit[i]) exits.push(i);
      isExit[i] = true;
    };
    for (const s of this.codePath.returnedSegments) addExit(s, true);
    for (const s of this.codePath.thrownSegments) addExit(s, false);
    this.edgeLists = { successorStart, successors, predecessorStart, predecessors, polarities, initial: this.index.get(this.codePath.initialSegment), exits, returns };
    return this.edgeLists;
  }

  /** The owner of call objects this code path shares: an inlined IIFE shares its caller's. */
  get home(): FunctionGraph {
    let graph: FunctionGraph = this;
    while (graph.isInlined && graph.parent) graph = graph.parent;
    return graph;
  }
}

/**
 * One code path's edges by segment index (see `FunctionGraph.edges`): segment i's successors
 * are `successors[successorStart[i] .. successorStart[i + 1])`, its predecessors likewise.
 */
export interface EdgeLists {
  readonly successorStart: readonly number[];
  readonly successors: readonly number[];
  readonly predecessorStart: readonly number[];
  /** The predecessors each segment's entry state joins, implicit exception edges left out. */
  readonly predecessors: readonly number[];
  /** Per predecessor edge: the branch condition's value on it, or null when the predecessor is no fork. */
  readonly polarities: readonly (Polarity | null)[];
  readonly initial: number | undefined;
  /** The segments ending in a return or a throw, returns first, each once. */
  readonly exits: readonly number[];
  /** True for a segment ending in a return. */
  readonly returns: readonly boolean[];
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
      return null;
    case "MemberExpression":
      if (parent.optional && node === parent.property) return { test: parent.object, polarity: "nonnullish", firstNode: node };
      return null;
    default:
      return null;
  }
}

