/**
 * What the helpers a file imports from its own repository are, as recording asks: by callee
 * (`comRelease` from `./com`, `gpu.psSet` from `import * as gpu`), cached per callee node. The
 * summaries come from imported-helpers.ts; null when imports are not followed.
 */
import type { Scope } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { memberName, unwrapExpression } from "./ast";
import type { HelperRole, ImportLookup } from "./model";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

export class ImportedRoles {
  /** Helpers imported from the repository's other modules, summarised there (null: not followed). */
  lookup: ImportLookup | null = null;
  // One per file analysis: a plain Map, dropped with it, is cheaper to query than a WeakMap.
  private readonly roles = new Map<Node, HelperRole | null>();

  constructor(private readonly symbols: Symbols) {}

  /** What an imported helper of this repository is, or null. */
  of(callee: Node): HelperRole | null {
    if (!this.lookup) return null;
    let role = this.roles.get(callee);
    if (role === undefined) {
      const target = importOf(callee, (id) => this.symbols.variableOf(id));
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

/** The import a callee names: `comRelease` from `import { comRelease } from "./com"`, `gpu.comRelease` from `import * as gpu from "@x/gpu"`. */
export function importOf(callee: Node, variableOf: (id: TSESTree.Identifier) => Scope.Variable | null): { specifier: string; name: string } | null {
  const expr = unwrapExpression(callee);
  const binding = (id: TSESTree.Identifier) => {
    const def = variableOf(id)?.defs[0];
    if (def?.type !== "ImportBinding") return null;
    const declaration = def.parent as unknown as TSESTree.ImportDeclaration;
    if (declaration.importKind === "type" || typeof declaration.source.value !== "string") return null;
    return { specifier: declaration.source.value, node: def.node as Node };
  };
  if (expr.type === "Identifier") {
    const found = binding(expr);
    if (!found) return destructuredImportOf(expr, variableOf);
    if (found.node.type === "ImportDefaultSpecifier") return { specifier: found.specifier, name: "default" };
    if (found.node.type !== "ImportSpecifier" || found.node.importKind === "type") return null;
    const imported = found.node.imported;
    return { specifier: found.specifier, name: imported.type === "Identifier" ? imported.name : String(imported.value) };
  }
  if (expr.type === "MemberExpression" && expr.object.type === "Identifier") {
    const found = binding(expr.object);
    const name = memberName(expr);
    return found?.node.type === "ImportNamespaceSpecifier" && name !== null ? { specifier: found.specifier, name } : null;
  }
  return null;
}

/** `const { vcall } = gpu` (a const destructuring of `import * as gpu`): the namespace's export, as `gpu.vcall` is. */
function destructuredImportOf(id: TSESTree.Identifier, variableOf: (id: TSESTree.Identifier) => Scope.Variable | null): { specifier: string; name: string } | null {
  const def = variableOf(id)?.defs[0];
  const declarator = def?.type === "Variable" ? (def.node as Node) : null;
  if (declarator?.type !== "VariableDeclarator" || declarator.id.type !== "ObjectPattern" || declarator.init?.type !== "Identifier") return null;
  if ((declarator.parent as TSESTree.VariableDeclaration).kind !== "const") return null;
  const property = declarator.id.properties.find((p) => p.type === "Property" && p.value === def!.name);
  if (property?.type !== "Property" || property.computed || property.key.type !== "Identifier") return null;
  // Through a member of the namespace (`{ vcall } = gpu`): the same lookup as `gpu.vcall`.
  const member = { type: "MemberExpression", object: declarator.init, property: property.key, computed: false, optional: false } as unknown as Node;
  return importOf(member, variableOf);
}
