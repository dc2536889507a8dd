/**
 * Which function a variable belongs to, for the question "is it this function's own, or shared?":
 * immediately invoked functions are inlined into their caller (their variables are its), and a
 * method of an object literal that holds the variable is one holder with that object.
 */
import type { Scope } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { unwrapExpression } from "./ast";
import { isImmediatelyInvoked } from "./ast-functions";
import type { FunctionGraph } from "./segment-graph";

type Node = TSESTree.Node;

/** Is `scope`'s variable scope (out of immediately invoked functions) the function `graph` analyses, or one it is inlined into? */
export function ownsScope(graph: FunctionGraph, scope: Scope.Scope): boolean {
  const home = inlinedHome(scope);
  let current: FunctionGraph | null = graph;
  while (current) {
    if ((home.block as unknown as Node) === current.node) return true;
    if (current.node.type === "Program" && (home.type === "global" || home.type === "module")) return true;
    if (!current.isInlined) break;
    current = current.parent;
  }
  return false;
}

/** Climbs out of immediately invoked functions: their variables belong to the enclosing function. */
export function inlinedHome(scope: Scope.Scope): Scope.Scope {
  let current = scope.variableScope;
  while (current.type === "function" && current.upper && isImmediatelyInvoked(current.block as unknown as Node)) {
    current = current.upper.variableScope;
  }
  return current;
}

/**
 * Is a reference from `scope` inside a method of an object literal of the variable's own function
 * that holds the variable itself: the literal it initialises (`const gpu = { recreateRTV() { gpu.x } }`,
 * a self-reference like `this`) or one with it as a property's value (`{ device, present() { vcall(device, ...) } }`)?
 * The closure and the object are one holder: the pointer goes where the object goes.
 */
export function inOwnLiteralMethod(scope: Scope.Scope, home: Scope.Scope, variable: Scope.Variable): boolean {
  let method: Scope.Scope = scope;
  while (method.upper && inlinedHome(method.upper.variableScope) !== inlinedHome(home)) method = method.upper.variableScope;
  if (!method.upper) return false;
  const fn = method.block as unknown as Node;
  const property = fn.parent;
  if ((fn.type !== "FunctionExpression" && fn.type !== "ArrowFunctionExpression") || property?.type !== "Property" || property.value !== fn) return false;
  const literal = property.parent;
  if (literal?.type !== "ObjectExpression") return false;
  const declarator = variable.defs[0]?.node as unknown as Node | undefined;
  if (declarator?.type === "VariableDeclarator" && declarator.init && unwrapExpression(declarator.init) === literal) return true;
  return literal.properties.some((p) => p.type === "Property" && p.value.type === "Identifier" && variable.references.some((r) => (r.identifier as unknown) === p.value));
}

/** The function scope directly below `home` that holds `scope` (the closure made in `home`), or null. */
function closureBelow(scope: Scope.Scope, home: Scope.Scope): Scope.Scope | null {
  let current = scope.variableScope;
  while (current.upper && inlinedHome(current.upper.variableScope) !== inlinedHome(home)) current = current.upper.variableScope;
  return current.upper ? current : null;
}

/**
 * Is a function's `const` (or a parameter it never assigns) captured only by closures (function or arrow expressions) made after its
 * declaration? Then it is the function's own until such a closure is made, and escapes there
 * (`Recorder.closureMade`): a failure return before it still owes the pointer. A function declaration
 * may be called before the variable is bound, a module variable belongs to every function: neither.
 */
export function capturedOnlyByLaterClosures(variable: Scope.Variable, home: Scope.Scope): boolean {
  const def = variable.defs[0];
  if (home.type !== "function" || variable.defs.length !== 1) return false;
  // A parameter never assigned holds its argument from the start: whatever closure captures it is made later.
  if (def.type === "Parameter") return variable.references.every((ref) => !ref.isWrite());
  if (def.type !== "Variable" || (def.parent as { kind?: string } | null)?.kind !== "const") return false;
  const declared = (def.node as unknown as Node).range[1];
  const own = inlinedHome(home);
  return variable.references.every((ref) => {
    const from = ref.from.variableScope;
    if (from === own || inlinedHome(from) === own) return true;
    const fn = closureBelow(ref.from, home)?.block as unknown as Node | undefined;
    return !!fn && (fn.type === "FunctionExpression" || fn.type === "ArrowFunctionExpression") && fn.range[0] >= declared;
  });
}

/** The variables of functions around `fn` that it refers to, once each, with the scope of its first reference. */
export function outerReferences(scopeManager: Scope.ScopeManager | null, fn: Node): { variable: Scope.Variable; from: Scope.Scope }[] {
  const scope = scopeManager?.acquire(fn as never, true);
  const out: { variable: Scope.Variable; from: Scope.Scope }[] = [];
  const seen = new Set<Scope.Variable>();
  for (const ref of scope?.through ?? []) {
    const variable = ref.resolved;
    if (!variable || seen.has(variable)) continue;
    seen.add(variable);
    out.push({ variable, from: ref.from.variableScope });
  }
  return out;
}

/** The identifiers declaring these variables. */
export function declaredOf(references: readonly { variable: Scope.Variable }[]): TSESTree.Identifier[] {
  const out: TSESTree.Identifier[] = [];
  for (const { variable } of references) {
    const declared = variable.identifiers[0] as TSESTree.Identifier | undefined;
    if (declared) out.push(declared);
  }
  return out;
}

/** Is the variable exported from its module (declared in an export, or named by an export specifier)? */
export function isExported(variable: Scope.Variable): boolean {
  // Only a module's (or a namespace's) own variables can be exported: the function's locals, most of those asked
  // about, are answered without touching their declarations and references.
  const scope = variable.scope.type as string;
  if (scope !== "module" && scope !== "global" && scope !== "tsModule") return false;
  if (variable.defs.some((def) => (def.node as Node).parent?.parent?.type === "ExportNamedDeclaration")) return true;
  return variable.references.some((ref) => {
    const parent = (ref.identifier as Node).parent?.type;
    return parent === "ExportSpecifier" || parent === "ExportDefaultDeclaration";
  });
}

/** Is the variable referred to from another function than its own (IIFEs inlined), a method of an object literal holding it excepted? */
export function referencedByClosures(variable: Scope.Variable, home: Scope.Scope): boolean {
  const own = inlinedHome(home);
  for (const ref of variable.references) {
    const from = ref.from.variableScope;
    // Most references are from the variable's own function (`inlinedHome` of it is itself): no climb.
    if (from !== own && inlinedHome(from) !== own && !inOwnLiteralMethod(from, home, variable)) return true;
  }
  return false;
}

/**
 * Where code may start naming a variable: after its declaration; a parameter from its own name on (a table given as
 * one: `lpVtbl.Release(p)` anywhere in the body); a function declaration or an import anywhere in its scope. Null for
 * no variable.
 */
export function declarationEnd(variable: Scope.Variable | null): number | null {
  const def = variable?.defs[0];
  if (!variable || !def) return null;
  if (def.type === "Parameter") return (def.name as unknown as Node).range[1];
  if (def.type === "FunctionName" || def.type === "ImportBinding") return (variable.scope.block as unknown as Node).range[0];
  return (def.node as unknown as Node).range[1];
}
