/**
 * Tables of functions bun:ffi's `linkSymbols` links from one object's vtable, as one-shot probes write them:
 * `const calls = linkSymbols({ Release: { ptr: readPointerAt(vtable + RELEASE_OFFSET) } })`, then
 * `calls.symbols.Release(factory)`. Which tables are (a name in what they are linked from says vtable), and
 * the name of their Release. What a repair writes with them is linked-tables.ts'.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, dottedName, memberName, propertyKeyName, unwrapExpression } from "./ast";
import type { FfiLookups } from "./ffi";
import type { Vocabulary } from "./vocabulary";

type Node = TSESTree.Node;

/** The names of a table of one object's functions: `vt`, `lpVtbl`, `lib.symbols`. */
export const VTABLE_OBJECT = /(^|\.)(lpVtbl|vtbl|vtable|vt|symbols)$/i;

/** `slot(p, N)` inside `koffi.call(slot(p, N), proto, p)`: it finds the method; the outer call calls it. */
export function isSlotLookup(call: TSESTree.CallExpression): boolean {
  const parent = call.parent;
  return parent?.type === "CallExpression" && parent.arguments[0] === call && calleeName(parent.callee) === "call";
}

/** An UPPER_SNAKE constant that is no flag or code of some other API (`MEM_COMMIT`, `WM_PAINT`, `E_FAIL`): a vtable slot's name. */
export function isSlotConstantName(name: string): boolean {
  return /^[A-Z][A-Z0-9]*_[A-Z0-9_]+$/.test(name) && !/^(MEM|PAGE|FILE|GENERIC|WM|WS|SW|VK|CS|IDC|IDI|MB|ERROR|E|S|RPC|CLSCTX|COINIT)_/.test(name);
}

/** `vt.Release(p)`, `lib.symbols.Release(p)`: a call of a function of one object's vtable table, given the object. */
export function isTableCall(call: TSESTree.CallExpression): boolean {
  const callee = unwrapExpression(call.callee);
  return callee.type === "MemberExpression" && call.arguments.length > 0 && VTABLE_OBJECT.test(dottedName(callee.object) ?? "");
}

/**
 * Does a name in this expression (to a few levels) say vtable (`devVtable`, `vtbl`, `vtableSlot(p, SLOT)`)? With
 * `initOf`, a variable's initializer is read too (`ptr: addAddress` of `const addAddress = readPointerAt(vtable + OFF)`).
 */
export function namesVtable(node: Node, initOf?: (node: Node) => Node | null, depth = 0): boolean {
  if (depth > 6) return false;
  const recur = (child: Node) => namesVtable(child, initOf, depth + 1);
  switch (node.type) {
    case "Identifier": {
      if (/vtbl|vtable/i.test(node.name)) return true;
      const init = initOf?.(node);
      return init != null && recur(init);
    }
    case "ObjectExpression":
      return node.properties.some((p) => p.type === "Property" && recur(p.value));
    case "CallExpression":
      return recur(node.callee) || node.arguments.some(recur);
    case "MemberExpression":
      return recur(node.object) || recur(node.property);
    case "BinaryExpression":
      return recur(node.left) || recur(node.right);
    case "TSNonNullExpression":
    case "TSAsExpression":
      return recur(node.expression);
    default:
      return false;
  }
}

export class VtableTables {
  // One per file analysis: a plain Map, dropped with it, is cheaper to query than a WeakMap.
  private readonly vtableTables = new Map<Node, boolean>();

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly lookups: FfiLookups,
  ) {}

  /**
   * `dev.symbols` where `const dev = linkSymbols({ Poll: { ptr: readPointerAt(devVtable + BigInt(IDEV_POLL)) } })`:
   * functions linked from a vtable's slots, each taking the object first. A table linked from other
   * addresses (`GetProcAddress`) or a library's exports (`dlopen(...).symbols`) is not one: its first
   * arguments are handles and buffers as often as objects.
   */
  isVtableTable(table: Node): boolean {
    const init = this.linkedTableInit(table);
    if (!init) return false;
    let linked = this.vtableTables.get(init);
    if (linked === undefined) this.vtableTables.set(init, (linked = namesVtable(init.arguments[0], (node) => this.lookups.initOf(node))));
    return linked;
  }

  /**
   * The name of a vtable table's Release function (`calls.symbols` of `linkSymbols({ Release: ... })`),
   * or null; null too for a table the code closes (`calls.close()`), unless `evenClosed`: a repair at a later exit
   * could not call it.
   */
  linkedRelease(table: Node, evenClosed = false): string | null {
    if (!this.isVtableTable(table)) return null;
    const root = unwrapExpression((unwrapExpression(table) as TSESTree.MemberExpression).object) as TSESTree.Identifier;
    if (!evenClosed && this.lookups.referencesOf(root).some((ref) => ref.parent?.type === "MemberExpression" && ref.parent.object === ref && memberName(ref.parent) === "close")) return null;
    const entries = unwrapExpression(this.linkedTableInit(table)!.arguments[0]);
    if (entries.type !== "ObjectExpression") return null;
    for (const property of entries.properties) {
      const key = property.type === "Property" ? propertyKeyName(property) : null;
      if (key !== null && this.vocabulary.isRelease(key)) return key;
    }
    return null;
  }

  /** `linkSymbols({...})`, the initializer of the table `table` (`calls.symbols`) names. */
  private linkedTableInit(table: Node): TSESTree.CallExpression | null {
    const symbols = unwrapExpression(table);
    if (symbols.type !== "MemberExpression" || memberName(symbols) !== "symbols") return null;
    const root = unwrapExpression(symbols.object);
    const init = root.type === "Identifier" ? this.lookups.initOf(root) : null;
    return init?.type === "CallExpression" && calleeName(init.callee) === "linkSymbols" && init.arguments[0] ? init : null;
  }
}
