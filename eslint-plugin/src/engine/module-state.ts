/**
 * Modules that keep COM objects in their own state and hand their importers the duty to tear it down:
 * `_hud.ts` makes its textures in `draw()` (kept in the module's `st`) and releases them in `release()`.
 * A file that calls `hud.draw(...)` owns that state as surely as a pointer it acquired itself; a file
 * that tears its own objects down but never calls `hud.release()` leaks it (reported at the first call
 * that fills the state, module-pointers.ts' way: flow-insensitive, only in a file that tears some of its
 * own module state down: a script, not another library module borrowing from a pool that a third one,
 * the package's `destroyDevice()`, tears down).
 *
 * Here, the imported module's side: which functions keep pointers they acquired (or got from the
 * module's own helpers) in module variables, and which release what module variables hold, each
 * directly or through the module's own functions.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Event, HelperRole, Summary } from "./model";
import type { FunctionGraph } from "./segment-graph";
import type { Symbols } from "./symbols";
import { rootKey } from "./slot-keys";
import { returnsOwned, summaryOfCall } from "./call-effects";

type Node = TSESTree.Node;

export class ModuleStateRoles {
  private readonly keeping = new Map<Node, string | null>();
  private readonly releasing = new Map<Node, boolean>();
  private moduleKeys: Set<string> | undefined;

  constructor(
    private readonly graphs: ReadonlyMap<Node, FunctionGraph>,
    private readonly symbols: Symbols,
    private readonly summaryOf: (fn: Node) => Summary | null,
    private readonly program: TSESTree.Program,
  ) {}

  /** The module variable a function keeps a pointer it acquired in (`st` of `st = { tex: makeTexture() }`), or null. */
  keeps(fn: Node): string | null {
    if (this.keeping.has(fn)) return this.keeping.get(fn)!;
    this.keeping.set(fn, null); // recursion: nothing more
    const events = this.eventsOf(fn);
    const acquires = events.some((e) => e.k === "acquire" || (e.k === "callLocal" && this.returnsOwned(e)));
    const store = acquires ? events.find((e) => e.k === "assign" && e.heldBy !== undefined && this.isModuleKey(e.key)) : undefined;
    let kept = store?.k === "assign" ? store.heldBy!.name : null;
    for (const e of events) if (kept === null && e.k === "callLocal" && e.callee) kept = this.keeps(e.callee);
    this.keeping.set(fn, kept);
    return kept;
  }

  /** Does the function release what a module variable holds (`comRelease(st.blend)`), itself or through the module's functions? */
  releases(fn: Node): boolean {
    if (this.releasing.has(fn)) return this.releasing.get(fn)!;
    this.releasing.set(fn, false);
    const found = this.eventsOf(fn).some((e) => {
      if (e.k === "release") return e.targetKey !== null && this.isModuleKey(e.targetKey);
      if (e.k !== "callLocal") return false;
      if (e.callee && this.releases(e.callee)) return true;
      const summary = summaryOfCall(e, (fn) => this.summaryOf(fn));
      return e.args.some((arg, i) => summary?.params[i]?.kind === "release" && arg.key !== null && this.isModuleKey(arg.key));
    });
    this.releasing.set(fn, found);
    return found;
  }

  private returnsOwned(event: Extract<Event, { k: "callLocal" }>): boolean {
    return returnsOwned(summaryOfCall(event, (fn) => this.summaryOf(fn)));
  }

  private eventsOf(fn: Node): Event[] {
    return this.graphs.get(fn)?.events.flat() ?? [];
  }

  private isModuleKey(key: string): boolean {
    if (!this.moduleKeys) {
      this.moduleKeys = new Set();
      for (const statement of this.program.body) {
        const declaration = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
        if (declaration?.type !== "VariableDeclaration") continue;
        for (const d of declaration.declarations) {
          if (d.id.type !== "Identifier" || !this.symbols.isModuleVariable(d.id)) continue;
          const k = this.symbols.keyOf(d.id);
          if (k !== null) this.moduleKeys.add(k);
        }
      }
    }
    return this.moduleKeys.has(rootKey(key));
  }
}

/** The first call of a function that keeps its module's state, for a module none of whose releasing functions the file calls. */
export interface StateKept {
  call: TSESTree.CallExpression;
  graph: FunctionGraph;
  variable: string;
  /** `hud.release()`: a releasing function of that module, called the way the keeping one is. */
  releaseText: string;
}

/** The importer's side: calls that fill an imported module's state, in a file that never calls what releases it. */
export function stateNeverReleased(graphs: Iterable<FunctionGraph>, roleOf: (callee: Node) => HelperRole | null, text: (node: Node) => string): StateKept[] {
  const kept = new Map<string, StateKept>();
  const released = new Set<string>();
  for (const graph of graphs) {
    for (const events of graph.events) {
      for (const event of events) {
        if (event.k !== "callLocal" || event.callee !== null || event.node.type !== "CallExpression") continue;
        const role = roleOf(event.node.callee);
        if (role?.releasesState) released.add(role.releasesState);
        const state = role?.keepsState;
        if (!state || kept.has(state.module)) continue;
        const callee = event.node.callee;
        const prefix = callee.type === "MemberExpression" ? `${text(callee.object)}.` : "";
        kept.set(state.module, { call: event.node, graph, variable: state.variable, releaseText: `${prefix}${state.releasedBy[0]}()` });
      }
    }
  }
  return [...kept].filter(([module]) => !released.has(module)).map(([, found]) => found);
}
