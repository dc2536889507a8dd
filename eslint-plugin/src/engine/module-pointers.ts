/**
 * Pointers kept in module variables. Script-style COM code (a demo, a tool) acquires its
 * device, shaders and buffers into module variables at the top level or in an `init()`, uses
 * them from many functions, and releases them in a teardown (`cleanup(code): never`) that runs
 * from a signal handler or at the end. No single code path owns such a pointer, so the
 * per-function analysis hands it to the module (an escape). What still holds, whatever the
 * paths: some code of the file must release the variable, or hand it on. A variable that no
 * function releases, passes, returns, copies or exports leaks its pointer: that is reported at
 * the acquisition. The test is flow-insensitive on purpose: it never reports a variable that
 * some code releases, so it adds no report to code that tears down correctly.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { Finding } from "./findings";
import type { Event, Resource, Summary, Sym } from "./model";
import { forEachEvent, type FunctionGraph } from "./segment-graph";
import { calledMethod, slotKeysOf } from "./object-fields";
import { isVariableKey, rootKey } from "./slot-keys";
import type { Symbols } from "./symbols";
import { summaryOfCall } from "./call-effects";

type Node = TSESTree.Node;

export interface Held {
  res: Resource;
  /** The module variables' keys the pointer was stored into, with the first store of each. */
  stores: Map<string, { name: string; node: Node }>;
  graph: FunctionGraph;
  /** A returned object's optional field (`bufA.uav`): reported only where the file uses it, since it may never have been made. */
  optional: boolean;
}

/**
 * The module variable an assignment stores into, as the `heldBy` of its event: a variable that
 * functions share (the store is an escape), or any variable the top level binds. The top level of a
 * script often never ends (a frame loop; the process ends in a signal handler's teardown), so what it
 * binds is held for the program's life and judged here, not at an exit that is never reached.
 */
export function moduleHolder(symbols: Symbols, target: Node, escapes: boolean, graph: FunctionGraph | undefined): { name: string; node: Node } | undefined {
  if (target.type !== "Identifier") return undefined;
  if (symbols.isModuleVariable(target)) return escapes || graph?.node.type === "Program" ? { name: target.name, node: target } : undefined;
  // A function's variable its closures share (`const g = createDevice()` in `main`, used by `drawHud`): held the same way.
  return escapes && symbols.isSharedWithClosures(target) ? { name: target.name, node: target } : undefined;
}

export class ModulePointers {
  private readonly held = new Map<Resource, Held>();
  /** `for (const t of [a, b])` loops (Recorder.loopAliases): what is done to `t.srv` is done to `a.srv` and `b.srv`. */
  loopAliases: ReadonlyMap<string, readonly string[]> = new Map();

  /** Called from a reporting pass: `res`, owned on some path, is stored into the module variable `key`. */
  note(res: Resource, key: string, name: string, store: Node, graph: FunctionGraph, optional = false): void {
    let entry = this.held.get(res);
    if (!entry) this.held.set(res, (entry = { res, stores: new Map(), graph, optional }));
    if (!entry.stores.has(key)) entry.stores.set(key, { name, node: store });
  }

  /**
   * Variables that pass objects to each other (`bufA = bufB` through a temporary, or the `read`/`write` cursors of a
   * ping-pong over `const fieldA`, `fieldB`), by each such variable: its group's holders that are rebound, among which
   * an object may be under any name. A copy within a group hands nothing on.
   */
  private swapGroups(graphs: readonly FunctionGraph[]): Map<string, string[]> {
    const parent = new Map<string, string>();
    const find = (k: string): string => {
      let root = k;
      while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
      return root;
    };
    const rebound = new Set<string>();
    for (const graph of graphs) {
      for (const events of graph.events) {
        for (const event of events) {
          if (event.k !== "assign" || event.sym?.t !== "slot" || !isVariableKey(event.key) || !isVariableKey(event.sym.key)) continue;
          const [to, from] = [find(event.key), find(event.sym.key)];
          if (to !== from) parent.set(to, from);
          parent.set(from, from);
          if (event.rebinds) rebound.add(event.key);
        }
      }
    }
    // Objects circulate only where two variables are rebound to each other's (`bufA = bufB; bufB = tmp`): one cursor
    // reading several constants (`let src = hdr; if (x) src = hdr2`) swaps nothing.
    const count = new Map<string, number>();
    for (const key of rebound) count.set(find(key), (count.get(find(key)) ?? 0) + 1);
    const holders = this.heldRoots();
    const groups = new Map<string, string[]>();
    for (const key of parent.keys()) {
      const root = find(key);
      if ((count.get(root) ?? 0) < 2) continue;
      if (!groups.has(root)) groups.set(root, []);
      if (holders.has(key) && rebound.has(key)) groups.get(root)!.push(key);
    }
    const out = new Map<string, string[]>();
    for (const key of parent.keys()) {
      const group = groups.get(find(key));
      if (group) out.set(key, group);
    }
    return out;
  }

  /** The name the message gives: of swapping variables, the one under which the field is never released (`back.srv`). */
  private unreleasedName(key: string, name: string, swaps: Map<string, string[]>, handled: (key: string) => boolean): string {
    const root = rootKey(key);
    const missing = swaps.get(root)?.find((member) => !handled(member + key.slice(root.length)));
    if (missing === undefined || missing === root) return name;
    for (const entry of this.held.values()) {
      for (const [k, store] of entry.stores) if (rootKey(k) === missing) return store.name.split(/[.[]/)[0] + name.slice(name.search(/[.[]|$/));
    }
    return name;
  }

  /** The variables (`v3` of `v3.srv`) some held pointer is stored under. */
  private heldRoots(): Set<string> {
    const roots = new Set<string>();
    for (const entry of this.held.values()) for (const key of entry.stores.keys()) roots.add(rootKey(key));
    return roots;
  }

  /** The pointers held in module variables, each with the variables it was stored into. */
  heldEntries(): Iterable<Held> {
    return this.held.values();
  }

  expanded(keys: Set<string>): Set<string> {
    return withLoopAliases(keys, this.loopAliases);
  }

  /**
   * Does the file release some of what it holds (`comReleaseSafe(g.device)`: through a helper of its own
   * too), or does its top-level code release anything (`dev.symbols.Release(devAddress)` in a top-level loop)?
   * A file that does neither keeps its objects for the process's life on purpose.
   */
  releasesSomeHeld(graphs: Iterable<FunctionGraph>, summaryOf: (fn: Node) => Summary | null): boolean {
    if (this.held.size === 0) return false;
    const all = [...graphs];
    const roots = this.heldRoots();
    for (const key of this.expanded(releasedKeys(all, summaryOf))) if (roots.has(rootKey(key))) return true;
    return releasedKeys(
      all.filter((graph) => homeGraph(graph).node.type === "Program"),
      summaryOf,
    ).size > 0;
  }

  /**
   * The findings, by the graph that stored each pointer: one per pointer none of whose
   * variables is handled anywhere in the file. `make` turns a pointer and its store into the finding.
   */
  findings(
    allGraphs: Iterable<FunctionGraph>,
    make: (res: Resource, variable: string, store: Node, graph: FunctionGraph) => Finding,
    summaryOf: (fn: Node) => Summary | null,
    releasingMethodsOf: (res: Resource) => ReadonlySet<string> | null,
  ): Map<FunctionGraph, Finding[]> {
    const out = new Map<FunctionGraph, Finding[]>();
    if (this.held.size === 0) return out;
    const graphs = [...allGraphs];
    const swaps = this.swapGroups(graphs);
    const handled = this.expanded(handledKeys(graphs, summaryOf, (from, to) => swaps.get(from) !== undefined && swaps.get(from) === swaps.get(to)));
    const { used: usedDirectly, methodCalls } = usedKeys(graphs);
    const used = this.expanded(usedDirectly);
    let released: Set<string> | undefined;
    for (const entry of this.held.values()) {
      // `bufA.srv` is handled when `bufA` is: a helper given the object may release its fields.
      // So is it when a method of the object is called (`bufA.dispose()`) that may release them: of a
      // helper's object, one its summary says releases (not `gpu.present()`); of another object, any.
      const releasing = releasingMethodsOf(entry.res);
      const releasedByMethod = (k: string) => [...(methodCalls.get(k) ?? [])].some((m) => releasing === null || releasing.has(m));
      const handledKey = (key: string) => parentKeys(key).some((k, i) => handled.has(k) || (i > 0 && releasedByMethod(k)));
      // Of variables that swap their objects (`const tmp = bufA; bufA = bufB; bufB = tmp`), any may hold this
      // one: its field is released only where it is under every one of them.
      const handledInGroup = (key: string) => {
        const group = swaps.get(rootKey(key));
        // A constant of the group (`fieldA` of `let read = fieldA`) keeps its own object: its own release counts.
        return group?.includes(rootKey(key)) ? group.every((member) => handledKey(member + key.slice(rootKey(key).length))) : handledKey(key);
      };
      if ([...entry.stores.keys()].some(handledInGroup)) continue;
      if (entry.optional && ![...entry.stores.keys()].some((key) => used.has(key))) continue;
      // A field its helper also files away (`gpu.device`, kept in `activeGpu` too) is this file's when the
      // file releases another field of the same object itself: it tears the object down by hand.
      if (entry.res.shared && ![...entry.stores.keys()].some((key) => releasesSibling((released ??= this.expanded(releasedKeys(graphs, summaryOf))), key))) continue;
      const [firstKey, first] = [...entry.stores.entries()][0];
      let list = out.get(entry.graph);
      if (!list) out.set(entry.graph, (list = []));
      list.push(make(entry.res, this.unreleasedName(firstKey, first.name, swaps, handledKey), first.node, entry.graph));
    }
    return out;
  }
}

/** The keys, and for each under a loop variable (`t.srv`) the same key under each object it stands for. */
function withLoopAliases(keys: Set<string>, aliases: ReadonlyMap<string, readonly string[]>): Set<string> {
  if (aliases.size === 0) return keys;
  for (const key of [...keys]) {
    const root = rootKey(key);
    for (const element of aliases.get(root) ?? []) keys.add(element + key.slice(root.length));
  }
  return keys;
}

/** Members deep a key copy propagation may make (`a.b.c.d.e.f.g.h`); real code's pointer fields go three or four deep. */
const MAX_COPIED_DEPTH = 8;

/** How many members deep a key is: 2 for `a.b[0]`. */
function memberDepth(key: string): number {
  let depth = 0;
  for (let i = 0; i < key.length; i++) if (key[i] === "." || key[i] === "[") depth++;
  return depth;
}

/** Keys of the variables some event of the file releases, hands on, returns, copies or manages. */
export function handledKeys(graphs: Iterable<FunctionGraph>, summaryOf: (fn: Node) => Summary | null, swapped: (from: string, to: string) => boolean = () => false): Set<string> {
  const keys = new Set<string>();
  // Copies into a function's own variable (`let src = hdr`), by the copy's key: what is copied is handled
  // where the copy is (`comRelease(src.srv)` handles `hdr.srv`), not by being copied to be read.
  const sources = new Map<string, string[]>();
  const handled: string[] = [];
  forEachEvent(graphs, (event) => {
    // `bufA = bufB` between variables that swap their objects: no copy to release under another name.
    if (event.k === "assign" && event.sym?.t === "slot" && swapped(event.sym.key, event.key)) return;
    if (event.k === "assign" && !event.escapes && event.heldBy === undefined && isVariableKey(event.key)) {
      const list = sources.get(event.key) ?? [];
      list.push(...slotKeysOf(event.sym));
      sources.set(event.key, list);
      return;
    }
    handled.length = 0;
    handledSlotKeys(event, summaryOf, handled);
    for (const key of handled) keys.add(key);
  });
  if (sources.size === 0) return keys;
  // Bounded: long copy chains in large files (minified code) could multiply keys by variables. Past the
  // budget, every copy hands on its source, as a copy of a module variable does. A cycle of copies that
  // adds a member each time round (`a = b.x; b = a`) would grow keys without end: no key deeper than
  // MAX_COPIED_DEPTH members is made (a 300 KB bundle made keys of 51,000 characters, 650 MB in all).
  let budget = 4 * (keys.size + sources.size) + 1000;
  const pending = [...keys];
  for (let key = pending.pop(); key !== undefined; key = pending.pop()) {
    if (--budget < 0) {
      for (const list of sources.values()) for (const source of list) keys.add(source);
      break;
    }
    const root = rootKey(key);
    for (const source of sources.get(root) ?? []) {
      const copied = source + key.slice(root.length);
      if (!keys.has(copied) && memberDepth(copied) <= MAX_COPIED_DEPTH) {
        keys.add(copied);
        pending.push(copied);
      }
    }
  }
  return keys;
}

/** The function whose paths a graph's events run on: an inlined IIFE's caller. */
export function homeGraph(graph: FunctionGraph): FunctionGraph {
  let home = graph;
  while (home.isInlined && home.parent) home = home.parent;
  return home;
}

/** Keys of the variables some event of the file releases, itself or through a helper that releases its argument. */
export function releasedKeys(graphs: Iterable<FunctionGraph>, summaryOf: (fn: Node) => Summary | null): Set<string> {
  const keys = new Set<string>();
  for (const graph of graphs) {
    for (const events of graph.events) {
      for (const event of events) {
        if (event.k === "release") addKeys(event.target, keys);
        else if (event.k === "callLocal") {
          const summary = summaryOfCall(event, summaryOf);
          event.args.forEach((arg, i) => summary?.params[i]?.kind === "release" && addKeys(arg.sym, keys));
        }
      }
    }
  }
  return keys;
}

/** Is another member of the object `key` is a member of released (`gpu.context` for `gpu.device`)? */
function releasesSibling(released: ReadonlySet<string>, key: string): boolean {
  const dot = key.lastIndexOf(".");
  if (dot <= 0) return false;
  const prefix = key.slice(0, dot + 1);
  for (const k of released) if (k !== key && k.startsWith(prefix)) return true;
  return false;
}

/** `a.b.c`, `a.b`, `a`: a key and the objects it is a member of. */
function parentKeys(key: string): string[] {
  const out = [key];
  for (let i = key.lastIndexOf("."); i > 0; i = key.lastIndexOf(".", i - 1)) out.push(key.slice(0, i));
  return out;
}

/**
 * Keys some event of the file reads (uses, passes): an optional field the file never names was
 * never asked for. And the objects whose methods are called (`bufA.dispose()`).
 */
export function usedKeys(graphs: Iterable<FunctionGraph>): { used: Set<string>; methodCalls: Map<string, Set<string>> } {
  const used = new Set<string>();
  const methodCalls = new Map<string, Set<string>>();
  for (const graph of graphs) {
    for (const events of graph.events) {
      for (const event of events) {
        if (event.k === "use" || event.k === "escape" || event.k === "hrPassed") addKeys(event.target, used);
        else if (event.k === "callLocal") for (const arg of event.args) addKeys(arg.sym, used);
        // The receiver of a method that is no COM method (`bufA.dispose()`), not an argument of a namespace's function (`gpu.makeShader(code)`).
        const method = event.k === "use" && event.valueMethod === true ? calledMethod(event.node) : null;
        if (event.k === "use" && method !== null) {
          for (const key of slotKeysOf(event.target)) {
            let methods = methodCalls.get(key);
            if (!methods) methodCalls.set(key, (methods = new Set()));
            methods.add(method);
          }
        }
      }
    }
  }
  return { used, methodCalls };
}

/**
 * Adds to `out` the keys of the values an event hands on, releases, returns, copies or manages (into a buffer: this
 * runs for every event of the file).
 */
export function handledSlotKeys(event: Event, summaryOf: (fn: Node) => Summary | null, out: string[]): void {
  switch (event.k) {
    // Handed to native code (an export, a vtable method), a raw pointer stays the caller's.
    case "escape":
      if (!(event.native || event.heldBy || event.loopList)) slotKeysOf(event.target, out);
      return;
    case "release":
    case "return":
    case "manage":
    case "stopTracking":
      slotKeysOf(event.target, out);
      return;
    // A helper given the variable may release it or hand it on; one whose summary says it only uses
    // its argument (`psSet(ps)`: a vtable call) does neither.
    case "callLocal": {
      const summary = summaryOfCall(event, summaryOf);
      for (let i = 0; i < event.args.length; i++) {
        const arg = event.args[i];
        const effect = summary?.params[i];
        if (effect?.kind !== "none") slotKeysOf(arg.sym, out);
        else if (arg.key !== null) for (const member of effect.members ?? []) out.push(`${arg.key}.${member}`);
      }
      return;
    }
    // `const p = gpuDevice; ... release(p)`: a copy may be released under another name.
    case "assign":
      slotKeysOf(event.sym, out);
      return;
    default:
      return;
  }
}

function addKeys(sym: Sym, keys: Set<string>): void {
  for (const key of slotKeysOf(sym)) keys.add(key);
}
