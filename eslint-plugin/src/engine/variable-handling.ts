/**
 * Which functions of the file handle which variables, asked while functions are solved: is a module variable a
 * cache nothing releases or hands on (`csCacheShader = shader`), is a property of module state one, and do the
 * closures sharing a function's variable only use it (`drawHud` passing `g` to `hud.draw`)? Each is one walk over
 * the file's events, made on first need and kept.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Summary } from "./model";
import { handledKeys, handlingFunctions, homeGraph, rootKey } from "./module-pointers";
import type { FunctionGraph } from "./segment-graph";
import { escapeRegExp } from "./vocabulary";

type Node = TSESTree.Node;

export class VariableHandling {
  private handledModuleKeys: Set<string> | undefined;
  private readonly inertMembers = new Map<string, boolean>();
  private handlingByVariable: Map<string, Set<FunctionGraph>> | null | undefined;

  constructor(
    private readonly graphs: ReadonlyMap<Node, FunctionGraph>,
    private readonly summaryOf: (fn: Node) => Summary | null,
    private readonly textualSummaryOf: (fn: Node) => Summary | null,
  ) {}

  isInertModuleVariable(key: string): boolean {
    return !this.handledKeys().has(key);
  }

  isInertMember(name: string): boolean {
    let inert = this.inertMembers.get(name);
    if (inert === undefined) {
      const member = new RegExp(`\\.${escapeRegExp(name)}(?:[.[]|$)`);
      inert = ![...this.handledKeys()].some((key) => member.test(key));
      this.inertMembers.set(name, inert);
    }
    return inert;
  }

  closuresOnlyUse(key: string, graph: FunctionGraph): boolean {
    // While the map is being built (a summary it needs meets a shared variable), the variable escapes, as before.
    if (this.handlingByVariable === null) return false;
    if (this.handlingByVariable === undefined) {
      this.handlingByVariable = null;
      this.handlingByVariable = handlingFunctions(this.graphs.values(), this.summaryOf);
    }
    const handlers = this.handlingByVariable.get(rootKey(key));
    if (!handlers) return true;
    const home = homeGraph(graph);
    for (const handler of handlers) if (handler !== home) return false;
    return true;
  }

  /**
   * Without solved summaries (summaries are being computed): every helper given the variable may release it,
   * unless its text alone shows it only reads or fills it (`cacheHandles(bindings.cb, csCacheCb)`).
   */
  private handledKeys(): Set<string> {
    return (this.handledModuleKeys ??= handledKeys(this.graphs.values(), this.textualSummaryOf));
  }
}
