/**
 * What the scope manager already knows of an identifier: the variable it names, for every
 * reference it resolved, from one pass over the file's references; and otherwise the scope it
 * is in, as `SourceCode#getScope` answers it.
 *
 * The engine asks about tens of thousands of identifiers per COM-heavy file. A walk up each
 * identifier's ancestors (`getScope`) and then up the scope chain repeats what the scope
 * manager did when it resolved the reference, so a resolved reference is answered from its
 * own record. An identifier it left unresolved (a global, or a name of
 * a host that does not resolve them) keeps the walk from the scope it was referenced in: that
 * scope (`from`) is `getScope`'s answer unless a child scope of it also encloses the
 * identifier (a `switch`'s discriminant, a decorator: the referencer visits them outside the
 * scope their node opens); then, and for identifiers that are no reference, `getScope`
 * answers.
 */
import type { Scope, SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";

export class ReferenceScopes {
  /**
   * The index, by where each referenced identifier starts in the text: 1 + its row below, 0 for none. A map keyed by
   * the identifiers themselves grew and rehashed through thousands of entries per file (with the lookups, about 3% of
   * the engine's counted cost on bench (b)); an identifier's offset needs no hashing.
   */
  private rowAt: Int32Array | null = null;
  private readonly identifiers: TSESTree.Identifier[] = [];
  /** Per row: the variable its reference resolved to, or null. */
  private readonly variables: (Scope.Variable | null)[] = [];
  /** Per row: the scope an unresolved reference of it was made in, or null. */
  private readonly froms: (Scope.Scope | null)[] = [];
  /** Referenced identifiers that start where another one does (none in ESTree as known), by identity. */
  private collisions: Map<TSESTree.Identifier, number> | null = null;

  constructor(private readonly sourceCode: SourceCode) {}

  /**
   * The variable the scope manager resolved this reference to; undefined for a reference it left unresolved and
   * for a name that is no reference (a declaration without an initialiser, a parameter: the walk answers those,
   * rarely asked: a declaration with an initialiser is a write reference).
   */
  knownVariable(identifier: TSESTree.Identifier): Scope.Variable | undefined {
    const row = this.rowOf(identifier);
    return row < 0 ? undefined : (this.variables[row] ?? undefined);
  }

  scopeOf(identifier: TSESTree.Identifier): Scope.Scope {
    const row = this.rowOf(identifier);
    const from = row < 0 ? null : this.froms[row];
    if (from && from.type !== "function-expression-name" && encloses(from.block as unknown as TSESTree.Node, identifier) && !childEncloses(from, identifier)) return from;
    return this.sourceCode.getScope(identifier as never);
  }

  private rowOf(identifier: TSESTree.Identifier): number {
    const rowAt = this.rowAt ?? this.index();
    const row = rowAt[identifier.range[0]] - 1;
    if (row >= 0 && this.identifiers[row] === identifier) return row;
    return this.collisions?.get(identifier) ?? -1;
  }

  private index(): Int32Array {
    const rowAt = new Int32Array(this.sourceCode.text.length + 1);
    const { identifiers, variables, froms } = this;
    // Indexed loops: this runs once per file, often before V8 has optimised it (an iterator allocates per step).
    const scopes = this.sourceCode.scopeManager?.scopes ?? [];
    for (let i = 0; i < scopes.length; i++) {
      const references = scopes[i].references;
      for (let j = 0; j < references.length; j++) {
        const reference = references[j];
        const identifier = reference.identifier as TSESTree.Identifier;
        const start = identifier.range[0];
        let row = rowAt[start] - 1;
        if (row < 0 || identifiers[row] !== identifier) {
          row = this.collisions?.get(identifier) ?? -1;
          if (row < 0) {
            row = identifiers.length;
            identifiers.push(identifier);
            variables.push(null);
            froms.push(null);
            if (rowAt[start] === 0) rowAt[start] = row + 1;
            else (this.collisions ??= new Map()).set(identifier, row);
          }
        }
        if (reference.resolved) variables[row] = reference.resolved;
        else froms[row] = reference.from;
      }
    }
    this.rowAt = rowAt;
    return rowAt;
  }
}

function encloses(block: TSESTree.Node, node: TSESTree.Node): boolean {
  return block.range[0] <= node.range[0] && node.range[1] <= block.range[1];
}

/**
 * Does a child scope of `scope` enclose the identifier? Siblings come in source order and do not overlap, so the one
 * that starts last at or before the identifier is the only candidate (a function of 10,000 blocks has 10,000 child
 * scopes, and a scan per unresolved name made recording quadratic). A child whose block starts after an earlier
 * sibling's end but before its own predecessor's start (none in ESTree as known) falls back to the scan.
 */
function childEncloses(scope: Scope.Scope, identifier: TSESTree.Node): boolean {
  const children = scope.childScopes;
  let lo = 0;
  let hi = children.length - 1;
  let last = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if ((children[mid].block as unknown as TSESTree.Node).range[0] <= identifier.range[0]) {
      last = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (last >= 0 && encloses(children[last].block as unknown as TSESTree.Node, identifier)) return true;
  return !isSorted(scope) && children.some((child) => encloses(child.block as unknown as TSESTree.Node, identifier));
}

const sortedChildren = new WeakMap<Scope.Scope, boolean>();

/** Are a scope's children in source order (as the scope manager makes them)? Checked once per scope. */
function isSorted(scope: Scope.Scope): boolean {
  let sorted = sortedChildren.get(scope);
  if (sorted === undefined) {
    const children = scope.childScopes;
    sorted = children.every((child, i) => i === 0 || (children[i - 1].block as unknown as TSESTree.Node).range[0] <= (child.block as unknown as TSESTree.Node).range[0]);
    sortedChildren.set(scope, sorted);
  }
  return sorted;
}
