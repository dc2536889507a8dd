/**
 * Teardown functions: a function that releases a module object's fields by hand and then ends the process
 * (`function cleanup(code) { for (const b of [posBuf, prevBuf]) { comRelease(b.srv); comRelease(b.buffer); } process.exit(code); }`).
 * The module check (module-pointers.ts) asks only whether a field is released somewhere in the file; a field such a
 * function leaves out while releasing its siblings is a forgotten release there, even when another function (a
 * reset that makes the object again) releases it too. Reported at the call that ends the process.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Exit, MissingRelease } from "./findings";
import type { Resource, Summary } from "./model";
import { ModulePointers, handledKeys, releasedKeys, usedKeys } from "./module-pointers";
import { isVariableKey, rootKey } from "./slot-keys";
import type { FunctionGraph } from "./segment-graph";

type Node = TSESTree.Node;

export interface TeardownLeftover {
  res: Resource;
  /** The variable path the field is held under (`posBuf.srv`). */
  variable: string;
  graph: FunctionGraph;
  /** The call that ends the process after the teardown. */
  end: TSESTree.CallExpression;
}

export function teardownLeftovers(pointers: ModulePointers, graphs: readonly FunctionGraph[], summaryOf: (fn: Node) => Summary | null): TeardownLeftover[] {
  const out: TeardownLeftover[] = [];
  const entries = [...pointers.heldEntries()].filter((entry) => [...entry.stores.keys()].some((key) => key.includes(".")));
  if (entries.length === 0) return out;
  let used: Set<string> | undefined;
  for (const graph of graphs) {
    if (graph.node.type === "Program" || graph.isInlined) continue;
    const end = processEnd(graph);
    if (!end) continue;
    const released = pointers.expanded(releasedKeys([graph], summaryOf));
    if (released.size === 0) continue;
    const handled = pointers.expanded(handledKeys([graph], summaryOf));
    for (const entry of entries) {
      for (const [key, store] of entry.stores) {
        const dot = key.lastIndexOf(".");
        if (dot <= 0) continue;
        const owner = key.slice(0, dot + 1);
        // Handed on or released here, itself or as part of its object (`destroyBuffer(posBuf)`).
        if ([...handled].some((k) => k === key || k === rootKey(key) || key.startsWith(`${k}.`))) continue;
        if (![...released].some((k) => k !== key && k.startsWith(owner) && !k.slice(owner.length).includes("."))) continue;
        // An optional field the file never names may never have been made.
        if (entry.optional && !(used ??= usedThroughCopies(pointers.expanded(usedKeys(graphs).used), graphs)).has(key)) continue;
        out.push({ res: entry.res, variable: store.name, graph, end });
      }
    }
  }
  return out;
}

/**
 * The used keys, and through copies between variables (`dustSrc = hdr2`, `phiRead = phiA`) the keys of what was copied:
 * `dustSrc.srv` read is `hdr2.srv` read. Two steps of copies at most.
 */
function usedThroughCopies(used: Set<string>, graphs: readonly FunctionGraph[]): Set<string> {
  const sources = new Map<string, Set<string>>();
  for (const graph of graphs) {
    for (const events of graph.events) {
      for (const event of events) {
        if (event.k !== "assign" || event.sym?.t !== "slot" || !isVariableKey(event.key) || !isVariableKey(event.sym.key)) continue;
        let set = sources.get(event.key);
        if (!set) sources.set(event.key, (set = new Set()));
        set.add(event.sym.key);
      }
    }
  }
  if (sources.size === 0) return used;
  const out = new Set(used);
  let frontier = [...used];
  for (let step = 0; step < 2 && frontier.length > 0; step++) {
    const next: string[] = [];
    for (const key of frontier) {
      const root = rootKey(key);
      for (const source of sources.get(root) ?? []) {
        const copied = source + key.slice(root.length);
        if (!out.has(copied)) {
          out.add(copied);
          next.push(copied);
        }
      }
    }
    frontier = next;
  }
  return out;
}

/** The first call in the function that ends the process (`process.exit(code)`), if it has one. */
function processEnd(graph: FunctionGraph): TSESTree.CallExpression | null {
  for (const events of graph.events) for (const event of events) if (event.k === "terminate") return event.node;
  return null;
}

/**
 * The findings, one per field and end of the process, each with the function it is reported in; none for a pointer the
 * module check already reports (`reported`: acquisition sites). The release text is the module's own (`releaseTextOf`).
 */
export function teardownFindings(
  pointers: ModulePointers,
  graphs: readonly FunctionGraph[],
  summaryOf: (fn: Node) => Summary | null,
  reported: ReadonlySet<Node>,
  text: (node: Node) => string,
  releaseTextOf: (res: Resource, variable: string) => { releaseText: string; releaseIsGuess?: boolean },
): { graph: FunctionGraph; finding: MissingRelease }[] {
  const out: { graph: FunctionGraph; finding: MissingRelease }[] = [];
  const seen = new Set<string>();
  for (const { res, variable, graph, end } of teardownLeftovers(pointers, graphs, summaryOf)) {
    const id = `${variable}@${end.range[0]}`;
    if (reported.has(res.site) || seen.has(id)) continue;
    seen.add(id);
    const exit: Exit = { node: end, loc: end.loc, range: end.range, what: `the call to \`${text(end.callee)}\`` };
    const finding: MissingRelease = {
      kind: "missing-release",
      node: res.site,
      pointer: variable,
      acquirer: res.acquirer,
      reached: { exit },
      owner: null,
      exits: [exit],
      mayBeNull: res.mayFail,
      releasedOnSomePath: true,
      ...releaseTextOf(res, variable),
      scope: graph.node,
    };
    out.push({ graph, finding });
  }
  return out;
}
