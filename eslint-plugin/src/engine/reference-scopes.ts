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
  private variables: Map<unknown, Scope.Variable> | null = null;
  private unresolved: Map<unknown, Scope.Scope> | null = null;

  constructor(private readonly sourceCode: SourceCode) {}

  /**
   * The variable the scope manager resolved this reference to; undefined for a reference it left unresolved and
   * for a name that is no reference (a declaration without an initialiser, a parameter: the walk answers those,
   * rarely asked: a declaration with an initialiser is a write reference).
   */
  knownVariable(identifier: TSESTree.Identifier): Scope.Variable | undefined {
    if (!this.variables) this.index();
    return this.variables!.get(identifier);
  }

  scopeOf(identifier: TSESTree.Identifier): Scope.Scope {
    if (!this.unresolved) this.index();
    const from = this.unresolved!.get(identifier);
    if (from && from.type !== "function-expression-name" && encloses(from.block as unknown as TSESTree.Node, identifier) && !from.childScopes.some((child) => encloses(child.block as unknown as TSESTree.Node, identifier))) return from;
    return this.sourceCode.getScope(identifier as never);
  }

  private index(): void {
    const variables = new Map<unknown, Scope.Variable>();
    const unresolved = new Map<unknown, Scope.Scope>();
    // Indexed loops: this runs once per file, often before V8 has optimised it (an iterator allocates per step).
    const scopes = this.sourceCode.scopeManager?.scopes ?? [];
    for (let i = 0; i < scopes.length; i++) {
      const references = scopes[i].references;
      for (let j = 0; j < references.length; j++) {
        const reference = references[j];
        if (reference.resolved) variables.set(reference.identifier, reference.resolved);
        else unresolved.set(reference.identifier, reference.from);
      }
    }
    this.variables = variables;
    this.unresolved = unresolved;
  }
}

function encloses(block: TSESTree.Node, node: TSESTree.Node): boolean {
  return block.range[0] <= node.range[0] && node.range[1] <= block.range[1];
}
