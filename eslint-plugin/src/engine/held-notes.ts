/**
 * What a path notes about pointers it still holds where it stores them into module state or where the
 * process ends (spec 3a): a pointer in a module variable is the file's to release somewhere, judged over
 * the whole file (module-pointers.ts); one left over from a teardown by hand, or held by no variable any
 * more, is reported at the call that ends the process.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { Draft, IdSet, Phase, State } from "./facts";
import type { Exit } from "./findings";
import type { EngineContext, Resource } from "./model";
import type { FunctionGraph } from "./segment-graph";
import type { Transitions } from "./transitions";

export class HeldNotes {
  /** Pointers owed where the process ends (reported with the exits' leaks), with those ends. */
  readonly terminateLeaks = new Map<Resource, Exit[]>();

  constructor(
    private readonly ctx: EngineContext,
    private readonly graph: FunctionGraph,
    private readonly transitions: Transitions,
  ) {}

  /**
   * Where the process ends, nothing is owed (the system takes it all back), except by code that tears an
   * object down by hand before it ends (`comRelease(g.context); comRelease(g.device); process.exit(0)`): a field
   * of that object it left out is a forgotten release.
   */
  noteTeardownLeftovers(state: State, node: TSESTree.CallExpression): void {
    const exit: Exit = { node, loc: node.loc, range: node.range, what: `the call to \`${this.ctx.text(node.callee)}\`` };
    // And a pointer no variable holds any more (acquired in a loop's block, whose variables are gone): nothing can
    // release it, whenever the process ends.
    const bound = new Set<Resource>();
    for (const values of state.bindings.values()) {
      for (const id of values) {
        const value = this.ctx.value(id);
        if (value.kind === "ref" || value.kind === "hrAcquire") bound.add(value.res);
      }
    }
    const lost = (res: Resource) => !bound.has(res) && (state.tracks.get(res.ownKey) ?? []).some((f) => this.transitions.isOwed(res, this.ctx.facts.get(f)));
    for (const key of state.tracks.keys()) {
      const res = this.ctx.resource(Math.floor(key / 2));
      if (key !== res.ownKey || !(this.ctx.objects.leftOverFromTeardown(this.ctx.facts, state, res) || lost(res))) continue;
      const exits = this.terminateLeaks.get(res) ?? [];
      if (!exits.some((e) => e.node === node)) this.terminateLeaks.set(res, [...exits, exit]);
    }
  }

  /**
   * Pointers owned (on some path, surely) when they are stored into a module variable, or still
   * held in a variable where the process ends: the file must release that variable somewhere.
   */
  noteModuleHeld(draft: Draft, values: IdSet, key: string, name: string | null, where: TSESTree.Node): void {
    for (const id of values) {
      const value = this.ctx.value(id);
      if (value.kind !== "ref" || value.res.site.type !== "CallExpression") continue;
      this.noteHeldPointer(draft, value.res, key, name ?? value.res.name, where, false);
      // The object of a helper (`bufA = makeBuffer()`): each of its field pointers is held as `bufA.srv`.
      for (const [field, res] of this.ctx.objects.fieldsOf(value.res) ?? []) this.noteHeldPointer(draft, res, `${key}.${field}`, `${name ?? value.res.name}.${field}`, where, true);
    }
  }

  private noteHeldPointer(draft: Draft, res: Resource, key: string, name: string, where: TSESTree.Node, field: boolean): void {
    if (res.ownKey < 0) return;
    const facts = (draft.tracks.get(res.ownKey) ?? []).map((f) => this.ctx.facts.get(f));
    if (facts.some((f) => f.phase === Phase.PtrReleased)) return;
    // An optional field not used yet (`t.uav` of a texture made without one) is held only if the file uses it somewhere.
    const unread = field && res.fromBox && facts.some((f) => this.transitions.isHeld(f) && f.site !== null);
    // A field its helper also keeps (`activeGpu`) is held while the object is (module-pointers.ts judges it).
    const shared = res.shared && facts.some((f) => this.transitions.isHeld(f));
    if (facts.some((f) => this.transitions.isOwed(res, f)) || unread || shared) this.ctx.heldByModule(res, key, name, where, this.graph, unread);
  }
}
