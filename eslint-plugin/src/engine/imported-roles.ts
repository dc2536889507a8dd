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
  /** The names the module's imports bind (made at the first question). */
  private imports: ImportNames | null = null;

  constructor(
    private readonly symbols: Symbols,
    private readonly program: TSESTree.Program,
  ) {}

  /** What an imported helper of this repository is, or null. */
  of(callee: Node): HelperRole | null {
    if (!this.lookup) return null;
    // Most callees are no import (`call.Begin_GetPrice`, `values.slice`): told by name, without resolving the variable.
    if (!this.mayNameImport(callee)) return this.ofImportedTable(callee);
    let role = this.roles.get(callee);
    if (role === undefined) {
      const target = importOf(callee, (id) => this.symbols.variableOf(id));
      role = target ? this.lookup.helper(target.specifier, target.name) : null;
      this.roles.set(callee, role);
    }
    return role;
  }

  /** `com.queryInterface(p, iid)`, where `const com = createComRuntime(koffi)` calls an imported function returning a table of functions. */
  private ofImportedTable(callee: Node): HelperRole | null {
    const expr = unwrapExpression(callee);
    if (expr.type !== "MemberExpression" || expr.computed || expr.property.type !== "Identifier") return null;
    const init = this.symbols.tables.initOf(expr.object);
    if (init?.type !== "CallExpression") return null;
    return this.of(init.callee)?.table?.get(expr.property.name) ?? null;
  }

  /**
   * Can this callee be an import (`importOf`)? Only when the name at its root is one an import binds, or, for a plain
   * name, when a namespace import could have been destructured into it (`const { vcall } = gpu`).
   */
  private mayNameImport(callee: Node): boolean {
    const imports = (this.imports ??= importNames(this.program));
    const expr = unwrapExpression(callee);
    if (expr.type === "Identifier") return imports.namespaces || imports.names.has(expr.name);
    return expr.type === "MemberExpression" && expr.object.type === "Identifier" && imports.names.has(expr.object.name);
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
  if (expr.type === "Identifier") {
    const found = importBinding(expr, variableOf);
    if (!found) return destructuredImportOf(expr, variableOf);
    return found.name === NAMESPACE ? null : found;
  }
  if (expr.type === "MemberExpression" && expr.object.type === "Identifier") {
    const found = importBinding(expr.object, variableOf);
    const name = memberName(expr);
    return found?.name === NAMESPACE && name !== null ? { specifier: found.specifier, name } : null;
  }
  return null;
}

/** What an import binds: a module's export by name (`default` too), or the whole module. */
const NAMESPACE = "*";

/**
 * The module and export an identifier's import binds (`name` NAMESPACE for `import * as gpu` and
 * `import gpu = require("./gpu")`); null when no value import binds it.
 */
function importBinding(id: TSESTree.Identifier, variableOf: (id: TSESTree.Identifier) => Scope.Variable | null): { specifier: string; name: string } | null {
  const def = variableOf(id)?.defs[0];
  if (def?.type !== "ImportBinding") return null;
  const declaration = def.parent as unknown as TSESTree.ImportDeclaration | TSESTree.TSImportEqualsDeclaration;
  if (declaration.type === "TSImportEqualsDeclaration") {
    const specifier = requiredModule(declaration);
    return specifier === null ? null : { specifier, name: NAMESPACE };
  }
  if (declaration.importKind === "type" || typeof declaration.source.value !== "string") return null;
  const specifier = declaration.source.value;
  const node = def.node as Node;
  if (node.type === "ImportNamespaceSpecifier") return { specifier, name: NAMESPACE };
  if (node.type === "ImportDefaultSpecifier") return { specifier, name: "default" };
  if (node.type !== "ImportSpecifier" || node.importKind === "type") return null;
  return { specifier, name: node.imported.type === "Identifier" ? node.imported.name : String(node.imported.value) };
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

/** The names a module's imports bind; `namespaces`: one of them is a whole module (`import * as gpu`, `import gpu = require(...)`). */
interface ImportNames {
  names: Set<string>;
  namespaces: boolean;
}

function importNames(program: TSESTree.Program): ImportNames {
  const result: ImportNames = { names: new Set(), namespaces: false };
  for (const statement of program.body) {
    const declaration = statement.type === "ExportNamedDeclaration" ? statement.declaration : statement;
    if (declaration?.type === "ImportDeclaration") {
      for (const specifier of declaration.specifiers) {
        result.names.add(specifier.local.name);
        if (specifier.type === "ImportNamespaceSpecifier") result.namespaces = true;
      }
    } else if (declaration?.type === "TSImportEqualsDeclaration" && requiredModule(declaration) !== null) {
      result.names.add(declaration.id.name);
      result.namespaces = true;
    }
  }
  return result;
}

/** `import gpu = require("./gpu")`: the module required; null for an alias of a namespace (`import A = B.C`). */
function requiredModule(declaration: TSESTree.TSImportEqualsDeclaration): string | null {
  if (declaration.importKind === "type") return null;
  const reference = declaration.moduleReference;
  return reference.type === "TSExternalModuleReference" && reference.expression.type === "Literal" && typeof reference.expression.value === "string" ? reference.expression.value : null;
}
