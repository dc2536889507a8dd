/**
 * What the engine finds: one record type per kind of protocol violation,
 * holding the nodes and names the report needs. The engine decides THAT and
 * WHERE; the rule of each kind (src/rules/<kind>.ts) decides how it reads
 * (message data, related label) and which repair it offers. The list of kinds
 * is the rule registry's (src/index.ts checks that each kind has its rule).
 */
import type { TSESTree } from "@typescript-eslint/utils";

type Node = TSESTree.Node;

/** A place in the file: a node's, or a point such as the end of a function. */
export interface Place {
  loc: TSESTree.SourceLocation;
  range: TSESTree.Range;
}

/** An exit of a function: a `return`/`throw`, or its end (`node` null). */
export interface Exit extends Place {
  /** The `return` or `throw`, the call that ends the process (`process.exit(0)`, `cleanup(1)`), or null for the end of the code path. */
  node: TSESTree.ReturnStatement | TSESTree.ThrowStatement | TSESTree.CallExpression | null;
  /** `the return`, `the throw`, `the call to \`process.exit\``, `the end of the function`, `the end of the module`. */
  what: string;
  /** Of a leak: another path reaches this exit with the pointer released already (a Release written here would run twice there). */
  releasedThere?: boolean;
}

interface Base {
  /** Where the squiggle goes. */
  node: Node;
}

export interface CancelWithoutFinish extends Base {
  kind: "cancel-without-finish";
  call: string;
  /** The Cancel's callee text. */
  cancel: string;
  /** Method of the cancelled call (`GetPrice`), or null when unknown. */
  method: string | null;
  /** Reached without Finish_: an exit, or the Release of the call object. */
  reached: { exit: Exit } | { release: Node };
  /** The pending call was begun through a vtable (`vcall(call, ..._BEGIN_X, ...)`): a repair can only write the file's own Finish_ call through it. */
  raw: boolean;
  /** Another path reaches the place in `reached` with the call finished: a Finish_ written there would run twice on it. */
  finishedThere: boolean;
  /** Some path from the Cancel may still call a Finish_ (or the file's own code, which may): one written right after the Cancel could run twice. */
  finishMayFollow: boolean;
}

export interface MissingRelease extends Base {
  kind: "missing-release";
  pointer: string;
  /** The acquiring call's own name: `QueryInterface`, `CoCreateInstance`, `createDevice`. */
  acquirer: string;
  /**
   * The first exit reached while the pointer is held, or where it is acquired again, or (for a
   * pointer kept in a module variable) the store into a variable that no code of the file releases.
   */
  reached:
    | { exit: Exit }
    | { reacquired: Node }
    /** `releasedThere`: some path reaches the assignment with the pointer released (a Release written before it would run twice). */
    | { overwritten: { variable: string; node: Node; releasedThere?: boolean } }
    | { neverReleased: { variable: string; store: Node } }
    | { stateNeverReleased: { releaser: string } }
    /** Emptied (`pool.clear()`, `node`) while it holds the pointer, stored at `store` (pools.ts). */
    | { dropped: { collection: string; node: Node; store: Node } };
  /** The statement that binds the pointer, for the repair; null when it cannot be placed. */
  owner: Node | null;
  /** Every leaking exit; empty when they are not known (acquired again in a loop). */
  exits: Exit[];
  mayBeNull: boolean;
  /** Some path releases it already, or hands it on: an unconditional Release would release twice. */
  releasedOnSomePath: boolean;
  /** The statement that releases it, in the file's own form (`comRelease(p)`, `p.Release()`). */
  releaseText: string;
  /** Where that text becomes valid code: after the declaration of the table it calls (`calls.symbols.Release(p)`). */
  releaseValidFrom?: number;
  /** The text names the release but is no call the code could make where it is missing (a closed table, a bigint's `.Release()`): no repair. */
  releaseIsGuess?: boolean;
  /** For a collection emptied while it holds pointers: the loop that releases each of them first. */
  releaseEach?: string;
  /** No variable, box or field ever named the pointer: it is the acquiring call's own value. */
  unnamed?: boolean;
  /** The function or program whose exit leaks. */
  scope: Node;
}

export interface BeginWhilePending extends Base {
  kind: "begin-while-pending";
  call: string;
  begin: string;
  pendingBegin: Node;
  pendingName: string;
  method: string;
  /** The method this Begin_ starts, when known. */
  begunMethod: string | null;
  cancelled: boolean;
  /** The pending call was begun through a vtable (`vcall(call, ..._BEGIN_X, ...)`): a repair can only write the file's own Finish_ call through it. */
  raw: boolean;
  /** Another path reaches this Begin_ with no call pending (a loop's first pass): a Finish_ written before it would fail there. */
  idleThere: boolean;
}

export interface FinishWithoutBegin extends Base {
  kind: "finish-without-begin";
  call: string;
  finish: string;
  /** The Finish_ that already completed the call, or null when none was begun. */
  earlierFinish: Node | null;
}

export interface MismatchedFinish extends Base {
  kind: "mismatched-finish";
  call: string;
  finish: string;
  pendingBegin: Node;
  pendingName: string;
}

export interface UseAfterRelease extends Base {
  kind: "use-after-release";
  pointer: string;
  /** The variable or member path the use went through (its key), when known: one use of a variable that may hold either of two objects is one finding. */
  through?: string | null;
  release: Node;
  /** `vtable`: the pointer is the object of a call through its vtable, of the method named (null: a method the code does not name). */
  use: "release" | { calls: string } | { vtable: string | null } | "pass" | "use";
  /** Set where the pointer is bound by `using` (`release` is that declaration): the use is a Release before its disposal. */
  disposedBy?: "using" | "await using";
}

export interface UncheckedQueryInterface extends Base {
  kind: "unchecked-query-interface";
  pointer: string;
  acquisition: Node;
  acquirer: string;
}

export interface UncheckedCancelResult extends Base {
  kind: "unchecked-cancel-result";
  finish: string;
  cancel: Node;
}

export type Finding = CancelWithoutFinish | MissingRelease | BeginWhilePending | FinishWithoutBegin | MismatchedFinish | UseAfterRelease | UncheckedQueryInterface | UncheckedCancelResult;

export type FindingKind = Finding["kind"];

export type FindingOf<K extends FindingKind> = Extract<Finding, { kind: K }>;

/** Receives findings as the solver makes them. */
export interface Sink {
  report(finding: Finding): void;
}

export const NO_SINK: Sink = { report() {} };

export function placeOf(node: Node): Place {
  return { loc: node.loc, range: node.range };
}
