/**
 * Tables of functions linked from one object's vtable (bun:ffi's `linkSymbols`), the way one-shot
 * probes call COM: `const calls = linkSymbols({ Release: { ptr: readPointerAt(vtable + RELEASE_OFFSET) } })`,
 * then `calls.symbols.Release(factory)`. Such a table is the object's own: its functions are methods
 * of the object they are given first (ffi.ts), and its Release is the only release form that
 * pointer has, which a repair must write instead of the file's form for other pointers.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { isTableCall } from "./ffi";
import type { Exit } from "./findings";
import type { EngineContext, Resource } from "./model";

type Node = TSESTree.Node;

/** Does a name in this expression (to a few levels) say vtable (`devVtable`, `vtbl`, `vtableSlot(p, SLOT)`)? */
export function namesVtable(node: Node, depth = 0): boolean {
  if (depth > 6) return false;
  switch (node.type) {
    case "Identifier":
      return /vtbl|vtable/i.test(node.name);
    case "ObjectExpression":
      return node.properties.some((p) => p.type === "Property" && namesVtable(p.value, depth + 1));
    case "CallExpression":
      return namesVtable(node.callee, depth + 1) || node.arguments.some((a) => namesVtable(a, depth + 1));
    case "MemberExpression":
      return namesVtable(node.object, depth + 1) || namesVtable(node.property, depth + 1);
    case "BinaryExpression":
      return namesVtable(node.left, depth + 1) || namesVtable(node.right, depth + 1);
    case "TSNonNullExpression":
    case "TSAsExpression":
      return namesVtable(node.expression, depth + 1);
    default:
      return false;
  }
}

/** Per solve: the pointers released through their own table, and the text a repair releases them with. */
export class TableReleases {
  private readonly calls = new Map<Resource, TSESTree.CallExpression>();

  constructor(private readonly ctx: EngineContext) {}

  /** `node` releases `res`: remembered when it is a table's Release given the pointer by its own name. */
  note(res: Resource, node: Node): void {
    if (this.calls.has(res) || node.type !== "CallExpression" || !isTableCall(node)) return;
    const first = node.arguments[0];
    if (first && this.ctx.text(first) === res.name) this.calls.set(res, node);
  }

  /** The pointer's own table release, where the table is declared before every exit a repair would release at. */
  textFor(res: Resource, exits: readonly Exit[]): string | null {
    const call = this.calls.get(res);
    if (!call) return null;
    let root: Node = call.callee;
    while (root.type === "MemberExpression") root = root.object;
    const declared = root.type === "Identifier" ? this.ctx.declarationEnd(root) : null;
    if (declared === null || exits.some((exit) => exit.node !== null && exit.node.range[0] < declared)) return null;
    return this.ctx.text(call);
  }
}
