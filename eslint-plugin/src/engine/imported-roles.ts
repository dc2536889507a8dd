/**
 * What the helpers a file imports from its own repository are, as recording asks: by callee
 * (`comRelease` from `./com`, `gpu.psSet` from `import * as gpu`), cached per callee node. The
 * summaries come from imported-helpers.ts; null when imports are not followed.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { HelperRole, ImportLookup } from "./model";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

export class ImportedRoles {
  /** Helpers imported from the repository's other modules, summarised there (null: not followed). */
  lookup: ImportLookup | null = null;
  private readonly roles = new WeakMap<Node, HelperRole | null>();

  constructor(private readonly symbols: Symbols) {}

  /** What an imported helper of this repository is, or null. */
  of(callee: Node): HelperRole | null {
    if (!this.lookup) return null;
    let role = this.roles.get(callee);
    if (role === undefined) {
      const target = this.symbols.importOf(callee);
      role = target ? this.lookup.helper(target.specifier, target.name) : null;
      this.roles.set(callee, role);
    }
    return role;
  }

  /**
   * `gpu.psSet(ps, { samp: [sampler] })`: a literal (or one nested in it) given to an imported helper
   * whose summary only uses that argument. What it holds stays the caller's, like a vtable argument.
   */
  isOnlyUsedArgument(literal: Node): boolean {
    let node = literal;
    for (let depth = 0; depth < 4; depth++) {
      const parent = node.parent;
      if (!parent) return false;
      if (parent.type === "CallExpression") {
        const index = parent.arguments.indexOf(node as TSESTree.CallExpressionArgument);
        const effect = index >= 0 ? this.of(parent.callee)?.summary?.params[index] : undefined;
        return effect?.kind === "none" && !effect.members;
      }
      if (parent.type === "ArrayExpression" || parent.type === "ObjectExpression" || (parent.type === "Property" && parent.value === node)) node = parent;
      else return false;
    }
    return false;
  }
}
