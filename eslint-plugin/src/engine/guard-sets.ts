/**
 * The guards facts carry (facts.ts, correlations.ts): interned sets of branch outcomes, each the outcome of one local
 * variable on the paths that made a fact.
 */

/** At most this many outcomes per guard: a path's guards stay small whatever its number of branches. */
const MAX_GUARDS = 4;

/**
 * Interned guard sets: sorted entries `variable * 2 + (truthy ? 1 : 0)`, at most one per variable and at most
 * `MAX_GUARDS` of them (past that, the variable numbered first is forgotten).
 */
export class GuardSets {
  private readonly sets: number[][] = [[]];
  private readonly ids = new Map<string, number>([["", 0]]);

  private intern(entries: number[]): number {
    const key = entries.join(",");
    let id = this.ids.get(key);
    if (id === undefined) {
      id = this.sets.length;
      this.sets.push(entries);
      this.ids.set(key, id);
    }
    return id;
  }

  entries(guard: number): readonly number[] {
    return this.sets[guard];
  }

  private readonly variables = new Map<string, number>();

  /** The number of a variable (by its key) in this file's guards. */
  variable(key: string): number {
    let n = this.variables.get(key);
    if (n === undefined) this.variables.set(key, (n = this.variables.size));
    return n;
  }

  /** Does the guard say `variable` took the other outcome? */
  contradicts(guard: number, variable: number, truthy: boolean): boolean {
    return guard !== 0 && this.sets[guard].includes(variable * 2 + (truthy ? 0 : 1));
  }

  with(guard: number, variable: number, truthy: boolean): number {
    const entry = variable * 2 + (truthy ? 1 : 0);
    const current = this.sets[guard];
    if (current.includes(entry)) return guard;
    const others = current.filter((e) => e >> 1 !== variable);
    // Over the bound, the entry of the variable numbered first (the lowest) goes.
    if (others.length >= MAX_GUARDS) others.shift();
    others.push(entry);
    return this.intern(others.sort((x, y) => x - y));
  }

  without(guard: number, variable: number): number {
    const current = this.sets[guard];
    const kept = current.filter((e) => e >> 1 !== variable);
    return kept.length === current.length ? guard : this.intern(kept);
  }

  common(a: number, b: number): number {
    if (a === 0 || b === 0) return 0;
    const other = this.sets[b];
    return this.intern(this.sets[a].filter((e) => other.includes(e)));
  }
}
