/**
 * Tables of functions a file keeps for calling COM (`const com = { invoke: (p, i, proto, ...a) => koffi.call(...),
 * queryInterface(p, iid) {...}, release(p) {...} }`), or gets from a factory (`const com = createComRuntime(koffi)`,
 * whose one returned object is such a table): which function `com.release` names, and how a repair calls it.
 */
import type { Scope } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { propertyKeyName, unwrapExpression } from "./ast";
import { enclosingFunction, returnedValues } from "./ast-functions";

type Node = TSESTree.Node;

/** The one object literal a function returns, if that is all it returns (a factory of a table of functions). */
export function onlyReturnedObject(fn: TSESTree.FunctionLike): TSESTree.ObjectExpression | null {
  const values = returnedValues(fn);
  const value = values.length === 1 && values[0] ? unwrapExpression(values[0]) : null;
  return value?.type === "ObjectExpression" ? value : null;
}

/**
 * The function a table holds under `name` (`release(p) { ... }`, `invoke: (p, i) => ...`, or a function of the file
 * named there, `return { queryInterface, release }`, which `functionNamed` finds); null behind a spread.
 */
export function tableMember(table: TSESTree.ObjectExpression, name: string, functionNamed: (id: TSESTree.Identifier) => Node | null): TSESTree.FunctionLike | null {
  let found: TSESTree.FunctionLike | null = null;
  for (const property of table.properties) {
    if (property.type === "SpreadElement") return null;
    if (property.computed || property.kind !== "init" || propertyKeyName(property) !== name) continue;
    const value = unwrapExpression(property.value);
    const fn = value.type === "Identifier" ? functionNamed(value) : value;
    found = fn && (fn.type === "FunctionExpression" || fn.type === "ArrowFunctionExpression" || fn.type === "FunctionDeclaration") ? fn : null;
  }
  return found;
}

/** The name a function is declared under (`function make() {}`, `const make = () => {}`), or null. */
function declaredName(fn: TSESTree.FunctionLike): string | null {
  if (fn.type === "FunctionDeclaration") return fn.id?.name ?? null;
  const holder = fn.parent;
  return holder?.type === "VariableDeclarator" && holder.init === fn && holder.id.type === "Identifier" ? holder.id.name : null;
}

/**
 * How code anywhere in the module calls a function of a table (`com.release`): the table a module constant holds, or
 * the one object a factory returns whose call a module constant holds. Null for any other function.
 */
export function tableCallOf(fn: TSESTree.FunctionLike, moduleConstants: ReadonlyMap<string, Node | null>): string | null {
  const property = fn.parent?.type === "Property" && fn.parent.value === fn ? fn.parent : namingProperty(fn);
  if (property?.type !== "Property" || property.computed || property.key.type !== "Identifier") return null;
  const table = property.parent as TSESTree.ObjectExpression;
  const holder = table.parent;
  if (holder?.type === "VariableDeclarator" && holder.id.type === "Identifier") {
    const init = moduleConstants.get(holder.id.name);
    return init && unwrapExpression(init) === table ? `${holder.id.name}.${property.key.name}` : null;
  }
  // Returned by a factory, or an arrow's whole body (`() => ({ ... })`).
  const factory = holder?.type === "ReturnStatement" ? enclosingFunction(holder) : holder?.type === "ArrowFunctionExpression" ? holder : null;
  const factoryName = factory ? declaredName(factory) : null;
  if (factory === null || factoryName === null || onlyReturnedObject(factory) !== table) return null;
  for (const [name, init] of moduleConstants) {
    const value = init ? unwrapExpression(init) : null;
    if (value?.type === "CallExpression" && value.callee.type === "Identifier" && value.callee.name === factoryName) return `${name}.${property.key.name}`;
  }
  return null;
}

/** The property of the table a factory returns that names a function of the factory (`release` of `return { release }`). */
function namingProperty(fn: TSESTree.FunctionLike): TSESTree.Property | null {
  const name = declaredName(fn);
  const factory = enclosingFunction(fn);
  const table = name !== null && factory ? onlyReturnedObject(factory) : null;
  for (const property of table?.properties ?? []) {
    if (property.type === "Property" && !property.computed && property.value.type === "Identifier" && property.value.name === name) return property;
  }
  return null;
}

/** The file's `const`s that may hold a table of functions, and what each is initialized with. */
export class FunctionTables {
  private names: Set<string> | undefined;

  constructor(
    private readonly text: string,
    private readonly variableOf: (id: TSESTree.Identifier) => Scope.Variable | null,
    private readonly localFunction: (callee: Node) => Node | null,
  ) {}

  /**
   * May `object` name one? Told from the text first (most member calls are on other objects: `call.Begin_GetPrice`),
   * once per file: a `const` given an object literal, the result of a call of a plain name, or a type.
   */
  mayName(object: Node): boolean {
    if (object.type !== "Identifier") return false;
    this.names ??= new Set(Array.from(this.text.matchAll(/\bconst\s+([A-Za-z_$][\w$]*)\s*(?::|=\s*(?:\{|[A-Za-z_$][\w$]*\s*\())/g), (m) => m[1]));
    return this.names.has(object.name);
  }

  /** What such a `const` is initialized with: an object literal, or a call making one. */
  initOf(object: Node): TSESTree.Expression | null {
    if (!this.mayName(object)) return null;
    const variable = this.variableOf(object as TSESTree.Identifier);
    const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
    const node = def?.node as Node | undefined;
    if (def?.type !== "Variable" || node?.type !== "VariableDeclarator" || (node.parent as TSESTree.VariableDeclaration).kind !== "const" || !node.init) return null;
    return unwrapExpression(node.init) as TSESTree.Expression;
  }

  /** The function of the file `com.release` names: a member of a table of the file's own, or of one a function of the file returns. */
  memberFunction(callee: TSESTree.MemberExpression): TSESTree.FunctionLike | null {
    if (callee.computed || callee.property.type !== "Identifier") return null;
    const init = this.initOf(callee.object);
    const table = init?.type === "ObjectExpression" ? init : init?.type === "CallExpression" ? this.returnedTable(init) : null;
    return table ? tableMember(table, callee.property.name, (id) => this.localFunction(id)) : null;
  }

  private returnedTable(call: TSESTree.CallExpression): TSESTree.ObjectExpression | null {
    const fn = this.localFunction(call.callee) as TSESTree.FunctionLike | null;
    return fn ? onlyReturnedObject(fn) : null;
  }
}
