/**
 * The scope an identifier is in, as `SourceCode#getScope` answers it, from the scope
 * manager's references instead of a walk up the identifier's ancestors.
 *
 * `getScope` walks from the node to the root, asking the scope manager (a WeakMap) at
 * every ancestor, for each identifier the engine resolves (tens of thousands per COM-heavy
 * file). Every identifier the engine resolves is a reference the scope manager has already
 * recorded, together with the scope it was made in (`from`): one pass over the file's
 * references gives them all. `from` is `getScope`'s answer unless a child scope of it also
 * encloses the identifier (a `switch`'s discriminant, a decorator: the referencer visits them
 * outside the scope their node opens); then, and for identifiers that are no reference,
 * `getScope` answers, so the result is always the same.
 */
import type { Scope, SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";

export class ReferenceScopes {
  private fromByIdentifier: Map<unknown, Scope.Scope> | null = null;

  constructor(private readonly sourceCode: SourceCode) {}

  scopeOf(identifier: TSESTree.Identifier): Scope.Scope {
    const from = this.references().get(identifier);
    if (from && from.type !== "function-expression-name" && encloses(from.block as unknown as TSESTree.Node, identifier) && !from.childScopes.some((child) => encloses(child.block as unknown as TSESTree.Node, identifier))) return from;
    return this.sourceCode.getScope(identifier as never);
  }

  private references(): Map<unknown, Scope.Scope> {
    if (this.fromByIdentifier) return this.fromByIdentifier;
    const map = new Map<unknown, Scope.Scope>();
    for (const scope of this.sourceCode.scopeManager?.scopes ?? []) {
      for (const reference of scope.references) map.set(reference.identifier, reference.from);
    }
    return (this.fromByIdentifier = map);
  }
}

function encloses(block: TSESTree.Node, node: TSESTree.Node): boolean {
  return block.range[0] <= node.range[0] && node.range[1] <= block.range[1];
}
