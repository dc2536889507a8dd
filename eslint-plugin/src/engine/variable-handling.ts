/**
 * Which functions of the file handle which variables, asked while functions are solved: is a module variable a
 * cache nothing releases or hands on (`csCacheShader = shader`), is a property of module state one, and do the
 * closures sharing a function's variable only use it (`drawHud` passing `g` to `hud.draw`)? Each is made from walks
 * over the file's events on first need, and kept.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Summary } from "./model";
import { handledKeys, handledSlotKeys, homeGraph } from "./module-pointers";
import { rootKey } from "./slot-keys";
import { calledMethod, slotKeysOf } from "./object-fields";
import { forEachEvent, type FunctionGraph } from "./segment-graph";
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

/**
 * By the variable a key starts from: the functions (IIFEs count as their caller) where some event releases, hands on,
 * keeps, returns or rebinds it, calls a method of it (`g.dispose()`), or (a parameter) begins or finishes a call on it. A variable that only its own function handles
 * is, for its closures, only used (EngineContext.closuresOnlyUse). Only variables closures share (events marked
 * `byClosures`) are listed: no other is asked about.
 */
function handlingFunctions(graphs: Iterable<FunctionGraph>, summaryOf: (fn: Node) => Summary | null): Map<string, Set<FunctionGraph>> {
  const out = new Map<string, Set<FunctionGraph>>();
  const all = [...graphs];
  // Only the variables closures share are asked about (the events marked `byClosures`): the others need no set.
  const shared = new Set<string>();
  // Of them, parameters: a call object the caller owns, whose state a closure that begins or finishes a call on it takes.
  const parameters = new Set<string>();
  // The functions declaring them (events marked `byClosures` are recorded in the variable's own function).
  const homes = new Set<FunctionGraph>();
  forEachEvent(all, (event, graph) => {
    if (event.k === "assign" && event.byClosures) shared.add(rootKey(event.key));
    else if (event.k === "escape" && event.byClosures && event.targetKey !== null) {
      shared.add(rootKey(event.targetKey));
      if (event.ofParameter) parameters.add(rootKey(event.targetKey));
    } else return;
    homes.add(homeGraph(graph));
  });
  if (shared.size === 0) return out;
  // Only code inside a shared variable's function can name it: the other functions' events are not walked.
  const inside = all.filter((graph) => {
    for (let g: FunctionGraph | null = graph; g; g = g.parent) if (homes.has(g)) return true;
    return false;
  });
  // One buffer for the keys an event handles.
  const keys: string[] = [];
  forEachEvent(inside, (event, graph) => {
    keys.length = 0;
    handledSlotKeys(event, summaryOf, keys);
    if (event.k === "assign") keys.push(event.key);
    else if (event.k === "use" && event.valueMethod === true && calledMethod(event.node) !== null) slotKeysOf(event.target, keys);
    // A closure that begins or finishes a call on a parameter's call object takes its state over (`setTimeout(() =>
    // call.Finish_X())`). (Not a local's: the function still owes its Release.)
    else if ((event.k === "begin" || event.k === "finish") && event.recvKey !== null && parameters.has(rootKey(event.recvKey))) slotKeysOf(event.recv, keys);
    for (let i = 0; i < keys.length; i++) {
      const root = rootKey(keys[i]);
      if (!shared.has(root)) continue;
      let set = out.get(root);
      if (!set) out.set(root, (set = new Set()));
      set.add(homeGraph(graph));
    }
  });
  return out;
}
