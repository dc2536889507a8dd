/**
 * Which units of a file can change each other's findings, by the names they
 * declare and mention (units.ts). Conservative: an edge where the engine
 * might look from one unit into another, none only where it cannot.
 *
 *  - A unit depends on the function units declaring a name it mentions: it
 *    calls them, and their summaries, dispatcher and check-helper roles come
 *    from their bodies. (Overloads and other declarations of the same name
 *    count too: with two declarations the engine gives no summary.)
 *  - A name bound by top-level code (`const box = Buffer.alloc(8)`, `let p`)
 *    ties its declaration and everyone mentioning it together both ways: the
 *    engine follows such variables through all their references (the
 *    evidence rule for boxes, what a box last held, captured variables).
 *  - All top-level code is one code path: its units depend on each other.
 *  - Names bound only by inert units (`declare`, types) resolve to nothing
 *    the engine reads inside functions (no body, no initialiser): only
 *    top-level code depends on them (its variables' ownership does). An
 *    import is read by every unit that names it: a helper imported from the
 *    repository is summarised from its module (imported-helpers.ts), so the
 *    import declaration must be in the text wherever its name is linted.
 *  - Mutually recursive functions: which of them is summarised first (and
 *    so which sees the other without a summary) depends on who calls first,
 *    so they and all their callers are tied together both ways.
 *
 * Both directions are kept as adjacency lists; a group tied together is a
 * hub node linked both ways to each member (no quadratic edges).
 */
import type { Unit } from "./units";

export class UnitGraph {
  /** Edges from a unit to the units its findings depend on (indices beyond the units are hubs). */
  private readonly forward: number[][] = [];
  private readonly backward: number[][] = [];

  constructor(private readonly units: readonly Unit[]) {
    for (let i = 0; i < units.length; i++) this.addNode();
    const declarers = new Map<string, number[]>();
    units.forEach((unit, i) => {
      for (const name of unit.declares) {
        let list = declarers.get(name);
        if (!list) declarers.set(name, (list = []));
        if (!list.includes(i)) list.push(i);
      }
    });
    const mentioners = new Map<string, number[]>();
    units.forEach((unit, i) => {
      for (const name of unit.mentions) {
        if (!declarers.has(name)) continue;
        let list = mentioners.get(name);
        if (!list) mentioners.set(name, (list = []));
        list.push(i);
      }
    });
    for (const [name, declared] of declarers) {
      const mentioning = mentioners.get(name) ?? [];
      const kinds = new Set(declared.map((i) => units[i].kind));
      if (kinds.has("code")) {
        this.tie([...declared, ...mentioning]);
      } else if (kinds.has("functions")) {
        for (const m of mentioning) for (const d of declared) this.addEdge(m, d);
      } else {
        const imported = declared.some((i) => units[i].imports);
        for (const m of mentioning) if (imported || units[m].kind === "code") for (const d of declared) this.addEdge(m, d);
      }
    }
    this.tie(units.flatMap((unit, i) => (unit.kind === "code" ? [i] : [])));
    this.tieRecursion();
  }

  /** The seeds and every unit whose findings depend on one of them, directly or not. */
  dependents(seeds: Iterable<number>): Set<number> {
    return this.reach(seeds, this.backward);
  }

  /** The seeds and every unit they depend on, directly or not. */
  dependencies(seeds: Iterable<number>): Set<number> {
    return this.reach(seeds, this.forward);
  }

  private reach(seeds: Iterable<number>, edges: number[][]): Set<number> {
    const seen = new Set<number>();
    const stack = [...seeds];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      for (const next of edges[node]) if (!seen.has(next)) stack.push(next);
    }
    for (const node of seen) if (node >= this.units.length) seen.delete(node);
    return seen;
  }

  private addNode(): number {
    this.forward.push([]);
    this.backward.push([]);
    return this.forward.length - 1;
  }

  private addEdge(from: number, to: number): void {
    if (from === to) return;
    this.forward[from].push(to);
    this.backward[to].push(from);
  }

  /** Makes every member depend on every other, through a hub. */
  private tie(members: readonly number[]): void {
    if (new Set(members).size < 2) return;
    const hub = this.addNode();
    for (const m of members) {
      this.addEdge(m, hub);
      this.addEdge(hub, m);
    }
  }

  /** Strongly connected groups of more than one unit (over the unit-to-unit edges made so far): tied with their callers. */
  private tieRecursion(): void {
    const count = this.units.length;
    const index = new Array<number>(count).fill(-1);
    const low = new Array<number>(count).fill(0);
    const onStack = new Array<boolean>(count).fill(false);
    const stack: number[] = [];
    const groups: number[][] = [];
    let next = 0;
    const direct = this.forward.slice(0, count).map((targets) => targets.filter((t) => t < count));
    // Tarjan's algorithm, iteratively (files can have thousands of units).
    for (let root = 0; root < count; root++) {
      if (index[root] >= 0) continue;
      const work: [number, number][] = [[root, 0]];
      index[root] = low[root] = next++;
      stack.push(root);
      onStack[root] = true;
      while (work.length > 0) {
        const frame = work[work.length - 1];
        const [node, edge] = frame;
        const targets = direct[node];
        if (edge < targets.length) {
          frame[1]++;
          const target = targets[edge];
          if (index[target] < 0) {
            index[target] = low[target] = next++;
            stack.push(target);
            onStack[target] = true;
            work.push([target, 0]);
          } else if (onStack[target]) {
            low[node] = Math.min(low[node], index[target]);
          }
          continue;
        }
        work.pop();
        if (work.length > 0) low[work[work.length - 1][0]] = Math.min(low[work[work.length - 1][0]], low[node]);
        if (low[node] === index[node]) {
          const group: number[] = [];
          let member: number;
          do {
            member = stack.pop()!;
            onStack[member] = false;
            group.push(member);
          } while (member !== node);
          if (group.length > 1) groups.push(group);
        }
      }
    }
    for (const group of groups) {
      const callers = group.flatMap((m) => this.backward[m].filter((c) => c < count));
      this.tie([...group, ...callers]);
    }
  }
}
