/**
 * Branches that test one variable again (`if (want) call.Begin_X(); ... if (want) call.Finish_X();`) or a flag set
 * beside a protocol call (`begun = true` after the Begin_, `if (begun)` before the Finish_). The join of the paths
 * keeps a fact of each, and a non-relational analysis would read the second test as independent of the first: a
 * Finish_ "with nothing pending" on the path that took neither. Facts carry a guard instead (facts.ts, `GuardSets`):
 * the outcomes of such variables on the paths that made them. An edge of a later test drops the facts its outcome
 * contradicts, and an assignment of the variable forgets what was said of it.
 *
 * Only variables whose value nothing else can change between two tests qualify: a local of the function that tests
 * it, written only by `=` or its declaration in that function (no closure, `++` or compound assignment), tested by
 * two branches or set to `true`/`false` and tested.
 */
import type { Scope } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { unwrapExpression } from "./ast";
import type { Draft, FactTable, IdSet, State } from "./facts";
import { fromList } from "./facts";
import type { Polarity } from "./model";
import type { FunctionGraph } from "./segment-graph";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

/** The variable a branch tests and the outcome on the edge taken, when the test is the variable itself or its negation. */
export function testedVariable(test: Node, polarity: Polarity): { name: TSESTree.Identifier; truthy: boolean } | null {
  if (polarity !== "truthy" && polarity !== "falsy") return null;
  let truthy = polarity === "truthy";
  // A test that is itself `a && b` forks where `b` was evaluated: its edges say what `b` was. Under `!` or a cast, the
  // operands' paths have joined before the fork, and its edges say nothing of either operand alone.
  let expr = test.type === "LogicalExpression" && test.operator !== "??" ? test.right : test;
  expr = unwrapExpression(expr);
  while (expr.type === "UnaryExpression" && expr.operator === "!") {
    truthy = !truthy;
    expr = unwrapExpression(expr.argument);
  }
  return expr.type === "Identifier" ? { name: expr, truthy } : null;
}

/** A function's variables whose outcomes its facts carry, numbered for the file's guard sets. */
export class GuardVariables {
  constructor(
    private readonly byKey: ReadonlyMap<string, number>,
    private readonly symbols: Symbols,
  ) {}

  get size(): number {
    return this.byKey.size;
  }

  /** The number of the variable an assignment of `key` sets, if it is one of them. */
  variable(key: string): number | undefined {
    return this.byKey.size === 0 ? undefined : this.byKey.get(key);
  }

  /** The variable a branch tests and its outcome on the edge with `polarity`, if it is one of them. */
  outcome(test: Node, polarity: Polarity): { variable: number; truthy: boolean } | null {
    if (this.byKey.size === 0) return null;
    const tested = testedVariable(test, polarity);
    const variable = tested ? this.byKey.get(this.symbols.keyOf(tested.name) ?? "") : undefined;
    return variable === undefined ? null : { variable, truthy: tested!.truthy };
  }
}

/** The function's variables whose outcomes facts carry. */
export function guardVariables(graph: FunctionGraph, symbols: Symbols, table: FactTable): GuardVariables {
  const tested = new Map<string, { name: TSESTree.Identifier; count: number }>();
  for (const fork of graph.checkedForks()) {
    const found = fork ? testedVariable(fork.test, fork.polarity) : null;
    const key = found ? symbols.keyOf(found.name) : null;
    if (key === null) continue;
    const entry = tested.get(key);
    if (entry) entry.count++;
    else tested.set(key, { name: found!.name, count: 1 });
  }
  let out: Map<string, number> | null = null;
  for (const [key, { name, count }] of tested) {
    if (count < 2 && !graph.flagKeys?.has(key)) continue;
    const variable = symbols.variableOf(name);
    if (!variable || !onlyWrittenHere(variable, graph.node)) continue;
    (out ??= new Map()).set(key, table.guards.variable(key));
  }
  return new GuardVariables(out ?? NONE, symbols);
}

const NONE: ReadonlyMap<string, number> = new Map();

/** Declared by `fn` and written only by its own `=` assignments, declarations and default values. */
function onlyWrittenHere(variable: Scope.Variable, fn: Node): boolean {
  const home = variable.scope.variableScope;
  if ((home.block as unknown as Node) !== fn) return false;
  return variable.references.every((ref) => {
    if (!ref.isWrite()) return true;
    if (ref.from.variableScope !== home) return false;
    const parent = (ref.identifier as TSESTree.Identifier).parent;
    return (
      (parent?.type === "VariableDeclarator" && parent.id === ref.identifier) ||
      (parent?.type === "AssignmentExpression" && parent.operator === "=" && parent.left === ref.identifier) ||
      parent?.type === "AssignmentPattern"
    );
  });
}

/** The state on an edge where `variable` took outcome `truthy`: facts made on the other outcome dropped, the rest and the path guarded. */
export function onOutcome(table: FactTable, state: State, variable: number, truthy: boolean): State {
  let tracks: Map<number, IdSet> | null = null;
  for (const [key, set] of state.tracks) {
    const kept: number[] = [];
    for (const id of set) if (!table.guards.contradicts(table.get(id).guard, variable, truthy)) kept.push(table.guarded(id, variable, truthy));
    const next = fromList(kept);
    if (next.length === set.length && next.every((id, i) => id === set[i])) continue;
    tracks ??= new Map(state.tracks);
    if (next.length === 0) tracks.delete(key);
    else tracks.set(key, next);
  }
  const path = table.guards.with(state.path, variable, truthy);
  return tracks || path !== state.path ? { bindings: state.bindings, tracks: tracks ?? state.tracks, path } : state;
}

/** Sets `variable`'s outcome on every fact (`truthy` null: forgets it), where the variable is assigned. */
export function assignOutcome(table: FactTable, draft: Draft, variable: number, truthy: boolean | null): void {
  draft.path = truthy === null ? table.guards.without(draft.path, variable) : table.guards.with(draft.path, variable, truthy);
  for (const [key, set] of draft.tracks) {
    const next = fromList(set.map((id) => (truthy === null ? table.unguarded(id, variable) : table.guarded(id, variable, truthy))));
    draft.setTrack(key, next);
  }
}
