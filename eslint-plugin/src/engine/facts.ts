/**
 * The abstract domain of the dataflow engine.
 *
 * A program point's state maps
 *  - slots (variables and member paths, by key) to the values they may hold, and
 *  - tracks (one per resource and aspect) to the set of facts that may hold.
 *
 * Every set is a sorted array of small integers interned per file, so a join
 * is a merge of sorted arrays and equality is element-wise. A fact reached only
 * through an implicit exception is "uncertain": it is carried like any other
 * fact but can never cause a report (spec: it may silence a report, never
 * cause one).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { GuardSets } from "./guard-sets";

export const enum Phase {
  /** Call object whose state this function does not know (a parameter, a field). */
  CallUnknown,
  /** No call in progress. `site`: the Finish_ that ended the last call, if any; `begin`: the Begin_ whose failure left it idle, if that is why. */
  CallIdle,
  /** A call begun by `begin` is in progress. */
  CallPending,
  /** The call begun by `begin` was cancelled at `site`; Finish_ is still owed. */
  CallCanceled,
  /** Pointer acquired, but the acquisition may have failed (unchecked HRESULT or nullable result). */
  PtrUnchecked,
  /** Pointer acquired and known valid: this function owns a reference. */
  PtrOwned,
  /**
   * The acquisition failed on this path: nothing is owned. `site` null: a use here is an
   * unchecked use (a check whose failure branch falls through); `site` set: the use at `site`
   * was reported already, or the pointer was known valid before (a binding that throws).
   */
  PtrFailed,
  /** Released at `site`; `begin` set: a use after that Release was reported there already (one report per path). */
  PtrReleased,
  /** Handed to code this function does not see (returned, stored, passed on). */
  PtrEscaped,
  /** Bound by `using`: disposed at scope exit. */
  PtrManaged,
}

export interface Fact {
  readonly phase: Phase;
  /** The node that put the track in this phase (Finish_, Cancel, Release), if it matters. */
  readonly site: TSESTree.Node | null;
  /** For call objects: the Begin_ whose call is pending or cancelled. */
  readonly begin: TSESTree.Node | null;
  readonly uncertain: boolean;
  /**
   * The branch outcomes every path that made this fact took, as an interned guard set (0: none): `if (want)
   * call.Begin_X()` leaves a pending fact guarded by `want` truthy beside an idle one guarded by `want` falsy, so a
   * later `if (want) call.Finish_X()` sees only the pending one (correlations.ts).
   */
  readonly guard: number;
  /** Interned id of the same fact with `uncertain` set. */
  uncertainTwin: number;
  /** Interned id of the same fact with `uncertain` cleared. */
  certainTwin: number;
}

/** Interns facts so that sets of them are sorted integer arrays. */
export class FactTable {
  private readonly byKey = new Map<number | string, number>();
  readonly facts: Fact[] = [];
  private readonly nodeIds = new Map<TSESTree.Node, number>();

  private nodeId(node: TSESTree.Node | null): number {
    if (!node) return -1;
    let id = this.nodeIds.get(node);
    if (id === undefined) {
      id = this.nodeIds.size;
      this.nodeIds.set(node, id);
    }
    return id;
  }

  make(phase: Phase, site: TSESTree.Node | null = null, begin: TSESTree.Node | null = null, uncertain = false, guard = 0): number {
    // A numeric key keeps interning off the string heap. Most facts have no site or no Begin_: their key
    // fits a small integer (positive with a site, negative with a Begin_ alone), which V8 hashes without
    // allocating; with both, the key is exact while node ids fit in 20 bits (they count protocol calls
    // of one file), and a string key takes over beyond that.
    const siteId = this.nodeId(site) + 1;
    const beginId = this.nodeId(begin) + 1;
    const low = phase * 2 + (uncertain ? 1 : 0);
    const key: number | string =
      guard !== 0
        ? `${phase}:${siteId}:${beginId}:${uncertain}:${guard}`
        : beginId === 0 && siteId < 16_777_216
        ? siteId * 32 + low
        : siteId === 0 && beginId < 16_777_216
          ? -(beginId * 32 + low)
          : siteId < 1_048_576 && beginId < 1_048_576
            ? // Offset past the first range (below 2^29): exact, since the largest key is below 2^53.
              2 ** 31 + (siteId * 1_048_576 + beginId) * 32 + low
            : `${phase}:${siteId}:${beginId}:${uncertain}`;
    let id = this.byKey.get(key);
    if (id !== undefined) return id;
    id = this.facts.length;
    this.byKey.set(key, id);
    const fact: Fact = { phase, site, begin, uncertain, guard, uncertainTwin: id, certainTwin: id };
    this.facts.push(fact);
    const twin = this.make(phase, site, begin, !uncertain, guard);
    if (uncertain) fact.certainTwin = twin;
    else fact.uncertainTwin = twin;
    return id;
  }

  get(id: number): Fact {
    return this.facts[id];
  }

  /** Names a Begin_ node's method; set by the file analysis (facts of one method collapse together). */
  methodOf: (begin: TSESTree.Node) => string = () => "";
  private readonly collapseKeys: string[] = [];

  /**
   * Keeps one fact per (phase, pending method, certainty): the earliest interned (of an owned pointer, one read from its box).
   * The sites a fact carries only name places in messages, so merging paths that
   * finished or released at different places must not grow the set: without this,
   * N sequential branches would carry O(N) facts and the analysis would be quadratic.
   */
  collapse(set: IdSet): IdSet {
    if (set.length <= 1) return set;
    let seen: Map<string, number> | undefined;
    let kept: number[] | undefined;
    let regrouped = false;
    for (let i = 0; i < set.length; i++) {
      const id = set[i];
      let key = this.collapseKeys[id];
      if (key === undefined) {
        const fact = this.facts[id];
        // A pending call with a Begin_ waiting its turn, and such a turn (transitions.ts, `isQueuedTurn`), stay apart from a plain pending call.
        const turn = fact.phase === Phase.CallPending && fact.site !== null ? (fact.site === fact.begin ? "t" : "q") : "";
        key = this.collapseKeys[id] = `${fact.phase}|${fact.begin ? this.methodOf(fact.begin) : ""}|${fact.uncertain ? 1 : 0}${turn}`;
      }
      seen ??= new Map();
      const at = seen.get(key);
      if (at !== undefined) {
        kept ??= set.slice(0, i);
        const first = this.facts[kept[at]];
        const other = this.facts[id];
        // A pointer read on one path and still in its box on the other is owed where it was read (`Transitions.isOwed`):
        // the read one is kept, whichever was interned first.
        const base = (first.phase === Phase.PtrOwned || first.phase === Phase.PtrUnchecked) && first.site !== null && other.site === null ? other : first;
        // Paths that agree on less: the kept fact is guarded only by what both were guarded by.
        const guard = first.guard === other.guard ? first.guard : this.guards.common(first.guard, other.guard);
        if (guard !== base.guard || base !== first) {
          kept[at] = this.make(base.phase, base.site, base.begin, base.uncertain, guard);
          regrouped = true;
        }
        continue;
      }
      seen.set(key, kept ? kept.length : i);
      kept?.push(id);
    }
    return regrouped ? fromList(kept!) : (kept ?? set);
  }

  /** The same phase with the uncertainty and the guard of `like` kept. */
  derive(like: number, phase: Phase, site: TSESTree.Node | null, begin: TSESTree.Node | null): number {
    const fact = this.facts[like];
    return this.make(phase, site, begin, fact.uncertain, fact.guard);
  }

  readonly guards = new GuardSets();

  /** The fact with `variable`'s outcome set to `truthy` in its guard. */
  guarded(id: number, variable: number, truthy: boolean): number {
    const fact = this.facts[id];
    const guard = this.guards.with(fact.guard, variable, truthy);
    return guard === fact.guard ? id : this.make(fact.phase, fact.site, fact.begin, fact.uncertain, guard);
  }

  /** The fact with nothing said of `variable` (assigned again). */
  unguarded(id: number, variable: number): number {
    const fact = this.facts[id];
    const guard = fact.guard === 0 ? 0 : this.guards.without(fact.guard, variable);
    return guard === fact.guard ? id : this.make(fact.phase, fact.site, fact.begin, fact.uncertain, guard);
  }
}

export type IdSet = readonly number[];

export const EMPTY: IdSet = [];

export function union(a: IdSet, b: IdSet): IdSet {
  if (a === b || b.length === 0) return a;
  if (a.length === 0) return b;
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out.push(x);
      i++;
      j++;
    } else if (x < y) {
      out.push(x);
      i++;
    } else {
      out.push(y);
      j++;
    }
  }
  while (i < a.length) out.push(a[i++]);
  while (j < b.length) out.push(b[j++]);
  return out.length === a.length ? a : out.length === b.length ? b : out;
}

export function fromList(list: number[]): IdSet {
  if (list.length <= 1) return list;
  list.sort((x, y) => x - y);
  let w = 1;
  for (let r = 1; r < list.length; r++) if (list[r] !== list[w - 1]) list[w++] = list[r];
  list.length = w;
  return list;
}

export function sameSet(a: IdSet | undefined, b: IdSet | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A program point: slot bindings and resource tracks. Treated as immutable once built. */
export interface State {
  readonly bindings: ReadonlyMap<string, IdSet>;
  readonly tracks: ReadonlyMap<number, IdSet>;
  /** The guard every path reaching here took (0: nothing known): the guard of the facts made here. */
  readonly path: number;
}

export const EMPTY_STATE: State = { bindings: new Map(), tracks: new Map(), path: 0 };

function joinMaps<K>(a: ReadonlyMap<K, IdSet>, b: ReadonlyMap<K, IdSet>, collapse?: (set: IdSet) => IdSet): ReadonlyMap<K, IdSet> {
  if (a === b || b.size === 0) return a;
  if (a.size === 0) return b;
  let out: Map<K, IdSet> | undefined;
  for (const [key, set] of b) {
    const mine = a.get(key);
    let merged = mine ? union(mine, set) : set;
    if (collapse && merged !== mine && merged !== set) merged = collapse(merged);
    if (merged !== mine) {
      out ??= new Map(a);
      out.set(key, merged);
    }
  }
  return out ?? a;
}

export function join(a: State | undefined, b: State | undefined, table?: FactTable): State | undefined {
  if (!a) return b;
  if (!b || a === b) return a;
  const bindings = joinMaps(a.bindings, b.bindings);
  // Joined tracks are normalized as the transitions normalize them: a join that kept an uncertain fact
  // beside its certain twin, which the next transition drops, made the state at a loop head alternate
  // between the two forms and the solver never converge (a top-level loop of bun-win32's mfplat probe).
  const tracks = joinMaps(a.tracks, b.tracks, table ? (set) => normalizeTrack(table, set) : undefined);
  const path = a.path === b.path || !table ? a.path : table.guards.common(a.path, b.path);
  return bindings === a.bindings && tracks === a.tracks && path === a.path ? a : { bindings, tracks, path };
}

function sameMaps<K>(a: ReadonlyMap<K, IdSet>, b: ReadonlyMap<K, IdSet>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const [key, set] of a) if (!sameSet(set, b.get(key))) return false;
  return true;
}

export function sameState(a: State | undefined, b: State | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  return a.path === b.path && sameMaps(a.bindings, b.bindings) && sameMaps(a.tracks, b.tracks);
}

/** Drops uncertain facts whose certain twin is present: a certain path subsumes them. */
export function normalizeTrack(table: FactTable, input: IdSet): IdSet {
  const set = table.collapse(input);
  let hasUncertain = false;
  for (const id of set) if (table.get(id).uncertain) hasUncertain = true;
  if (!hasUncertain) return set;
  const present = new Set(set);
  const kept = set.filter((id) => {
    const fact = table.get(id);
    return !fact.uncertain || !present.has(fact.certainTwin);
  });
  return kept.length === set.length ? set : kept;
}

/** Marks every fact of a state uncertain: the state reached a handler through an implicit exception. */
export function markUncertain(table: FactTable, state: State): State {
  const tracks = new Map<number, IdSet>();
  for (const [key, set] of state.tracks) tracks.set(key, fromList(set.map((id) => table.get(id).uncertainTwin)));
  return { bindings: state.bindings, tracks, path: state.path };
}

/** A mutable working copy of a state, copied lazily. */
export class Draft {
  bindings: Map<string, IdSet>;
  tracks: Map<number, IdSet>;
  /** The path's guard (State.path); set where a flag is assigned (correlations.ts). */
  path: number;
  private ownBindings = false;
  private ownTracks = false;
  constructor(private readonly base: State) {
    this.bindings = base.bindings as Map<string, IdSet>;
    this.tracks = base.tracks as Map<number, IdSet>;
    this.path = base.path;
  }
  setTrack(key: number, set: IdSet): void {
    // Clearing what is not there, or setting what is there, changes nothing: no copy (a re-bound name that held no call object).
    if (set.length === 0 ? !this.tracks.has(key) : sameSet(this.tracks.get(key), set)) return;
    if (!this.ownTracks) {
      this.tracks = new Map(this.tracks);
      this.ownTracks = true;
    }
    if (set.length === 0) this.tracks.delete(key);
    else this.tracks.set(key, set);
  }
  setBinding(key: string, set: IdSet | undefined): void {
    // Binding a name to nothing it did not hold (`let total = 0`) changes nothing: no copy.
    // Nor binding it to what it holds already (a loop's next pass over the same `const`).
    if (!set || set.length === 0 ? !this.bindings.has(key) : sameSet(this.bindings.get(key), set)) return;
    if (!this.ownBindings) {
      this.bindings = new Map(this.bindings);
      this.ownBindings = true;
    }
    if (!set || set.length === 0) this.bindings.delete(key);
    else this.bindings.set(key, set);
  }
  /** Forgets what was known of `key`'s members (`out[0]`, `x.y`) when `key` is re-bound; the values they held go into `held`. */
  dropMembers(key: string, held?: number[]): void {
    if (this.bindings.size === 0) return;
    const dot = key + ".";
    const bracket = key + "[";
    for (const [k, values] of this.bindings) {
      if (!k.startsWith(dot) && !k.startsWith(bracket)) continue;
      if (held) held.push(...values);
      this.setBinding(k, undefined);
    }
  }
  freeze(): State {
    if (!this.ownBindings && !this.ownTracks && this.path === this.base.path) return this.base;
    return { bindings: this.bindings, tracks: this.tracks, path: this.path };
  }
}
