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

const NO_LEAKS: ReadonlyMap<Resource, Exit[]> = new Map();
/** A variable assigned again while it held a pointer (`releasedThere`: some path to the assignment had released it). */
export interface Overwrite {
  variable: string;
  node: TSESTree.Node;
  releasedThere?: boolean;
}

const NO_OVERWRITES: ReadonlyMap<Resource, Overwrite> = new Map();

export class HeldNotes {
  /**
   * What the calls ending the process left (made at the first such call: most code paths have none, and a solve
   * makes one HeldNotes). `leftovers`: pointers owed there (reported with the exits' leaks), with those ends; by
   * pointer, the ends where every path has released it and those where every path holds it.
   */
  private ends: { leftovers: Map<Resource, Exit[]>; releasedAtEnd: Map<Resource, Set<TSESTree.Node>>; heldAtEnd: Map<Resource, Exit[]> } | null = null;
  /** Pointers whose only holder, a module variable this path stored them in, is assigned again before a release (`engine = 0n`); made at the first. */
  private overwrites: Map<Resource, Overwrite> | null = null;

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
    const { leftovers, releasedAtEnd, heldAtEnd } = (this.ends ??= { leftovers: new Map<Resource, Exit[]>(), releasedAtEnd: new Map<Resource, Set<TSESTree.Node>>(), heldAtEnd: new Map<Resource, Exit[]>() });
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
      const exits = leftovers.get(res) ?? [];
      if (!exits.some((e) => e.node === node)) leftovers.set(res, [...exits, exit]);
    }
    // Released by hand before this end of the process, or held here on every path: see `terminateLeaks`.
    for (const [key, set] of state.tracks) {
      const res = this.ctx.resource(Math.floor(key / 2));
      if (key !== res.ownKey || set.length === 0 || !bound.has(res)) continue;
      const facts = set.map((id) => this.ctx.facts.get(id));
      // Released in the block that ends the process (`vcall(engine, IUNKNOWN_RELEASE); process.exit(1)`), not only earlier on the way.
      if (facts.every((f) => f.phase === Phase.PtrReleased && !f.uncertain && f.site !== null && sameBlock(f.site, node))) {
        let ends = releasedAtEnd.get(res);
        if (!ends) releasedAtEnd.set(res, (ends = new Set()));
        ends.add(node);
      } else if (facts.every((f) => !f.uncertain && this.transitions.isOwed(res, f))) {
        const exits = heldAtEnd.get(res) ?? [];
        if (!exits.some((e) => e.node === node)) heldAtEnd.set(res, [...exits, exit]);
      }
    }
  }

  /**
   * Before `key` (a module variable, declared at `holder`) is assigned again at `node`: a pointer this path stored in it,
   * not released or handed on since, is lost (`engine = ppEngine.readBigUInt64LE(0); ... engine = 0n`).
   */
  noteOverwrite(draft: Draft, key: string, holder: TSESTree.Node, variable: string, node: TSESTree.Node): void {
    for (const id of draft.bindings.get(key) ?? []) {
      const value = this.ctx.value(id);
      if (value.kind !== "ref" || value.res.ownKey < 0 || this.overwrites?.has(value.res)) continue;
      const facts = (draft.tracks.get(value.res.ownKey) ?? []).map((f) => this.ctx.facts.get(f));
      if (facts.length > 0 && facts.every((f) => f.phase === Phase.PtrEscaped && !f.uncertain && f.site === holder)) (this.overwrites ??= new Map()).set(value.res, { variable, node });
    }
  }

  /**
   * `let c = a.QueryInterface(...); ...; c = b.QueryInterface(...)`: the pointer the variable held, owed on some path
   * and named by nothing else, leaks at the assignment (reported there: `overwritten`), and is forgotten, so
   * that the function's end does not report it again.
   */
  loseOverwritten(draft: Draft, lost: readonly number[], target: TSESTree.Identifier, reporting: boolean): void {
    const t = this.transitions;
    const stillReferenced = new Set<number>();
    for (const values of draft.bindings.values()) for (const id of values) stillReferenced.add(id);
    for (const id of lost) {
      const value = this.ctx.value(id);
      if (stillReferenced.has(id) || value.kind !== "ref" || value.res.ownKey < 0 || value.res.previousInstance) continue;
      const res = value.res;
      const facts = (draft.tracks.get(res.ownKey) ?? []).map((f) => this.ctx.facts.get(f));
      if (!facts.some((fact) => t.isOwed(res, fact))) continue;
      if (reporting) this.noteLocalOverwrite(res, target, !facts.every((fact) => t.isOwed(res, fact)));
      draft.setTrack(res.ownKey, []);
      if (res.protoKey >= 0) draft.setTrack(res.protoKey, []);
    }
  }

  /** Before the local `target` is assigned again: a pointer it alone named, owed (`releasedThere`: on some paths only), is lost. */
  private noteLocalOverwrite(res: Resource, target: TSESTree.Identifier, releasedThere: boolean): void {
    if (!this.overwrites?.has(res)) (this.overwrites ??= new Map()).set(res, { variable: target.name, node: target, ...(releasedThere ? { releasedThere } : {}) });
  }

  /**
   * Pointers owed where the process ends: the teardown leftovers, and a pointer the code releases by hand before at least
   * two other ends of the process but holds at this one (`vcall(engine, IUNKNOWN_RELEASE); process.exit(1)` in every
   * failure branch but one): a cleanup the code does everywhere else, forgotten here. Released before one end only (a
   * script that cleans up where it finishes, not where it fails), it is not: the system takes it back.
   */
  get terminateLeaks(): ReadonlyMap<Resource, Exit[]> {
    if (!this.ends) return NO_LEAKS;
    const { leftovers, releasedAtEnd, heldAtEnd } = this.ends;
    const out = new Map(leftovers);
    for (const [res, exits] of heldAtEnd) {
      if ((releasedAtEnd.get(res)?.size ?? 0) < 2) continue;
      const list = [...(out.get(res) ?? [])];
      for (const exit of exits) if (!list.some((e) => e.node === exit.node)) list.push(exit);
      out.set(res, list);
    }
    return out;
  }

  get overwritten(): ReadonlyMap<Resource, Overwrite> {
    return this.overwrites ?? NO_OVERWRITES;
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

  /** Pointers owned (surely) when stored into a collection of the file's own (`pool.set(k, p)`): pools.ts judges where it is emptied. */
  notePooled(draft: Draft, values: IdSet, collection: TSESTree.Identifier, store: TSESTree.Node): void {
    for (const id of values) {
      const value = this.ctx.value(id);
      if (value.kind !== "ref" || value.res.ownKey < 0) continue;
      const facts = (draft.tracks.get(value.res.ownKey) ?? []).map((f) => this.ctx.facts.get(f));
      if (facts.length > 0 && facts.every((f) => !f.uncertain && this.transitions.isOwed(value.res, f))) this.ctx.notePooled(collection, value.res, store);
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

/** Are the statements holding these two nodes in the same statement list (`if (f) fail(x)` is a list of its own)? */
function sameBlock(a: TSESTree.Node, b: TSESTree.Node): boolean {
  const blockOf = (node: TSESTree.Node): TSESTree.Node | undefined => {
    let current: TSESTree.Node | undefined = node;
    while (current && !/Statement$|Declaration$/.test(current.type)) current = current.parent;
    return current?.parent;
  };
  const block = blockOf(a);
  return block !== undefined && block === blockOf(b);
}
