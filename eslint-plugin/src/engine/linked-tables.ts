/**
 * Tables of functions linked from one object's vtable (bun:ffi's `linkSymbols`), the way one-shot
 * probes call COM: `const calls = linkSymbols({ Release: { ptr: readPointerAt(vtable + RELEASE_OFFSET) } })`,
 * then `calls.symbols.Release(factory)`. Such a table is the object's own: its functions are methods
 * of the object they are given first (ffi.ts), and its Release is the only release form that
 * pointer has, which a repair must write instead of the file's form for other pointers.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { isTableCall } from "./vtable-tables";
import type { Exit } from "./findings";
import type { EngineContext, Resource } from "./model";

type Node = TSESTree.Node;

/**
 * For the file: for each pointer released through its own table, or called through a table linked from
 * its vtable that has a Release (`calls.symbols.GetCount(p)` next to `Release: {...}`), the text a
 * repair releases it with: `calls.symbols.Release(p)`.
 */
export class TableReleases {
  /** `closed`: the code closes the table (`calls.close()`), so the text is for messages only. */
  private readonly forms = new Map<Resource, { text: string; table: Node; closed: boolean }>();

  constructor(private readonly ctx: EngineContext) {}

  /** `node` releases `res`: a table's Release given the pointer by its own name is its form. */
  noteRelease(res: Resource, node: Node): void {
    if (node.type !== "CallExpression" || !isTableCall(node) || !this.givenByName(res, node)) return;
    this.forms.set(res, { text: this.ctx.text(node), table: node.callee, closed: false });
  }

  /** `node` uses `res`: a call through a vtable table with a Release gives a form, unless a Release was seen. */
  noteUse(res: Resource, node: Node): void {
    if (this.forms.has(res) || node.type !== "CallExpression" || !isTableCall(node) || !this.givenByName(res, node)) return;
    const open = this.ctx.linkedRelease(node);
    const release = open ?? this.ctx.linkedRelease(node, true);
    const callee = node.callee as TSESTree.MemberExpression;
    if (release !== null) this.forms.set(res, { text: `${this.ctx.text(callee.object)}.${release}(${res.name})`, table: callee, closed: open === null });
  }

  /**
   * The pointer's own table release; `validFrom`: where the table's declaration ends (code before it cannot name
   * the table). `guess`: no repair can write it, since the code closes the table or an exit a repair would
   * release at comes before the table is made: a message may still name it.
   */
  formFor(res: Resource, exits: readonly Exit[]): { text: string; validFrom?: number; guess: boolean } | null {
    const form = this.forms.get(res);
    if (!form) return null;
    let root: Node = form.table;
    while (root.type === "MemberExpression") root = root.object;
    const declared = root.type === "Identifier" ? this.ctx.declarationEnd(root) : null;
    if (declared === null) return { text: form.text, guess: true };
    const early = exits.some((exit) => exit.node !== null && exit.node.range[0] < declared);
    return { text: form.text, validFrom: declared, guess: form.closed || early };
  }

  private givenByName(res: Resource, call: TSESTree.CallExpression): boolean {
    const first = call.arguments[0];
    return first !== undefined && this.ctx.text(first) === res.name;
  }
}
