/**
 * The checks made over the whole file once every function is solved: what no single code path can see.
 * Pointers kept in module variables that no code of the file releases (module-pointers.ts), an imported
 * module's state the file fills but never has released (module-state.ts), the fields a function ending the
 * process leaves out of its teardown (teardowns.ts), and collections of COM objects emptied without
 * releasing them (pools.ts). Each check's failure is the file's engine error, not the others'.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { isLibraryModule } from "./ast";
import type { Finding, MissingRelease } from "./findings";
import type { HelperRole, Resource, Summary } from "./model";
import type { ModulePointers } from "./module-pointers";
import { stateNeverReleased } from "./module-state";
import type { PoolLookups, Pools } from "./pools";
import type { FunctionGraph } from "./segment-graph";
import { teardownFindings } from "./teardowns";

type Node = TSESTree.Node;

export interface FileWideInputs {
  program: TSESTree.Program;
  graphs: ReadonlyMap<Node, FunctionGraph>;
  modulePointers: ModulePointers;
  pools: Pools;
  summaryOf(fn: Node): Summary | null;
  importedRoleOf(callee: Node): HelperRole | null;
  text(node: Node): string;
  /** The file's release of `variable`, holding `res` (release-forms.ts, linked-tables.ts). */
  moduleReleaseText(res: Resource, variable: string): { releaseText: string; releaseIsGuess?: boolean };
  /** The file's scopes, as the collections check asks them. */
  scopes: PoolLookups;
  releasingMethodsOf(res: Resource): ReadonlySet<string> | null;
  /** Does the file release some of the state it holds? (A script that never does keeps it for the process's life.) */
  tearsDownState(): boolean;
  /** A finding of the function or module code path `graph` belongs to. */
  report(graph: FunctionGraph, finding: Finding): void;
  fail(error: unknown): void;
}

export function reportFileWide(inputs: FileWideInputs): void {
  guarded(inputs, () => reportStateNeverReleased(inputs));
  guarded(inputs, () => reportNeverReleased(inputs));
  guarded(inputs, () => reportDroppedPools(inputs));
}

function guarded(inputs: FileWideInputs, check: () => void): void {
  try {
    check();
  } catch (error) {
    inputs.fail(error);
  }
}

/** An imported module's state this file fills (`hud.draw(...)`) but never has released (`hud.release()`), in a file that tears its own objects down. */
function reportStateNeverReleased(inputs: FileWideInputs): void {
  // A library module passes the state on to its importers (`read()` of a returned log filling the readback
  // pool that the library's `destroyDevice` releases): the duty is the program's that uses it.
  if (isLibraryModule(inputs.program)) return;
  const kept = stateNeverReleased(inputs.graphs.values(), (callee) => inputs.importedRoleOf(callee), inputs.text);
  if (kept.length === 0 || !inputs.tearsDownState()) return;
  for (const { call, graph, variable, releaseText } of kept) {
    const reached = { stateNeverReleased: { releaser: releaseText } };
    inputs.report(graph, { kind: "missing-release", node: call, pointer: variable, acquirer: inputs.text(call.callee), reached, owner: null, exits: [], mayBeNull: false, releasedOnSomePath: false, releaseText, scope: inputs.program });
  }
}

/** Pointers kept in module variables that no code of the file releases, then the teardowns' leftovers not reported so. */
function reportNeverReleased(inputs: FileWideInputs): void {
  if (!inputs.tearsDownState()) return;
  const neverReleased = (res: Resource, variable: string, store: Node): MissingRelease => ({
    kind: "missing-release",
    node: res.site,
    pointer: res.name,
    acquirer: res.acquirer,
    reached: { neverReleased: { variable, store } },
    owner: null,
    exits: [],
    mayBeNull: res.mayFail,
    releasedOnSomePath: false,
    ...inputs.moduleReleaseText(res, variable),
    scope: inputs.program,
  });
  const byGraph = inputs.modulePointers.findings(inputs.graphs.values(), neverReleased, inputs.summaryOf, inputs.releasingMethodsOf);
  const reported = new Set<Node>();
  for (const [graph, findings] of byGraph) {
    for (const finding of findings) {
      inputs.report(graph, finding);
      reported.add(finding.node);
    }
  }
  const teardowns = teardownFindings(inputs.modulePointers, [...inputs.graphs.values()], inputs.summaryOf, reported, inputs.text, inputs.moduleReleaseText);
  for (const { graph, finding } of teardowns) inputs.report(graph, finding);
}

/** Collections of COM objects emptied without releasing them. */
function reportDroppedPools(inputs: FileWideInputs): void {
  for (const finding of inputs.pools.findings(inputs.scopes, inputs.moduleReleaseText)) {
    const graph = inputs.graphs.get(finding.scope);
    if (graph) inputs.report(graph, finding);
  }
}
