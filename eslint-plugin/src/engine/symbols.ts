/**
 * Names and values: the canonical key of a variable or member path (`v3`,
 * `v3[0]`, `this.call`), the symbolic value of an expression, which
 * variables are this function's own (storing a pointer anywhere else is an
 * escape), and which function of this file a callee names (for summaries).
 * Scope lookups are the engine's hottest work outside calls: all are cached.
 */
import type { Scope, SourceCode } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { constantIndex, memberName, numericLiteral, unwrapExpression } from "./ast";
import { isFunctionNode, resultCalledBy } from "./ast-functions";
import { FunctionTables } from "./function-tables";
import type { FfiLookups, FfiShapes } from "./ffi";
import type { HelperRole, Sym } from "./model";
import type { ApiCall } from "./recognizer";
import type { ResourceTable } from "./resources";
import type { FunctionGraph } from "./segment-graph";
import { ReferenceScopes } from "./reference-scopes";
import { conversionOperand, endsOnFailure, endsProcessFunction, handsSlotToDispatcher, indexesVtable, isExitCall, returnsCallbackResult } from "./helper-shapes";
import { capturedOnlyByLaterClosures, declaredOf, inOwnLiteralMethod, isExported, outerReferences, ownsScope, referencedByClosures } from "./scope-homes";

type Node = TSESTree.Node;

export class Symbols implements FfiLookups {
  /** The raw FFI shapes, for reads of out boxes (`box.readBigUInt64LE(0)` is the slot `box[0]`). */
  ffi: FfiShapes | null = null;
  /** What a helper imported from the repository's other modules is (imported-roles.ts), or null. */
  importedRole: (callee: Node) => HelperRole | null = () => null;
  // One analysis per file: plain Maps (dropped with the analysis) are cheaper to query than WeakMaps.
  /** Identifiers that are no reference the scope manager resolved (globals, declarations without an initialiser), resolved by a walk up their scopes. */
  private readonly resolved = new Map<TSESTree.Identifier, Scope.Variable | null>();
  /** `v<n>` per variable, numbered in the order first asked: one lookup instead of an id lookup and a new string per key. */
  private readonly variableKeys = new Map<Scope.Variable, string>();
  private readonly capturedCache = new Map<Scope.Variable, boolean>();
  /** Whether a variable is exported (a declaration under `export`, or named by an export specifier). */
  private readonly exportedCache = new Map<Scope.Variable, boolean>();
  /** `localFunction` per callee: recording asks it up to four times per call. */
  private readonly localFunctions = new Map<Node, Node | null>();
  private readonly scopes: ReferenceScopes;

  constructor(
    private readonly sourceCode: SourceCode,
    private readonly resources: ResourceTable,
    private readonly classify: (call: TSESTree.CallExpression) => ApiCall | null,
    private readonly isSuccessConstant: (node: Node) => boolean = () => false,
  ) {
    this.scopes = new ReferenceScopes(sourceCode);
    this.tables = new FunctionTables(sourceCode.text, (id) => this.variableOf(id), (callee) => this.localFunction(callee));
  }

  /** The file's tables of functions (`const com = { release(p) {...} }`). */
  readonly tables: FunctionTables;

  /** The symbolic value of an expression, as far as the engine follows values. */
  sym(node: Node): Sym {
    const expr = unwrapExpression(node);
    switch (expr.type) {
      case "Identifier":
      case "MemberExpression":
      case "ThisExpression": {
        const key = this.keyOf(expr);
        if (key !== null) return { t: "slot", key };
        // `new BigUint64Array(box.buffer)[0]`: an element of a view of a box's bytes is the box's pointer.
        return expr.type === "MemberExpression" ? this.boxRead(expr) : null;
      }
      case "AwaitExpression":
        return this.sym(expr.argument);
      case "CallExpression": {
        const read = this.boxRead(expr);
        if (read) return read;
        // `withBuffer(iid, (a) => vcall(obj, QI, [a, ptr(out)]))`: the value of the callback's acquiring call.
        const inCallback = this.resources.callbackResults.get(expr);
        if (inCallback) return this.sym(inCallback);
        // `method(obj, 0, sig)(ptr(iid), ptr(out))`: the HRESULT of the lookup's acquisition (recognizer.ts `calledAtOnce`).
        const lookup = resultCalledBy(expr);
        if (lookup && this.resources.acquireSites.has(lookup)) return this.sym(lookup);
        const res = this.resources.acquireSites.get(expr);
        if (res) {
          const api = this.classify(expr);
          const hr = api?.kind === "acquire" && api.returnsHresult;
          const all = [res, ...(this.resources.extraAcquires.get(expr) ?? [])];
          return { t: "vals", ids: all.map((r) => this.resources.valueId(hr ? { kind: "hrAcquire", res: r } : { kind: "ref", res: r })) };
        }
        if (this.resources.begins.has(expr)) return { t: "vals", ids: [this.resources.valueId({ kind: "hrBegin", begin: expr })] };
        const api = this.classify(expr);
        if (api?.kind === "failedTest") {
          const of = this.sym(api.argument);
          return of ? { t: "test", of, failed: api.failed } : null;
        }
        // `isSuccessful(hr)` where `function isSuccessful(r) { return r >= 0; }`: SUCCEEDED by another name.
        const test = this.localHresultTest(expr);
        if (test) {
          const of = this.sym(test.argument);
          return of ? { t: "test", of, failed: test.failed } : null;
        }
        const converted = this.ffi?.boxes.convertedOperand(expr);
        return converted ? this.sym(converted) : null;
      }
      case "NewExpression": {
        const converted = this.ffi?.boxes.convertedOperand(expr);
        return converted ? this.sym(converted) : null;
      }
      case "BinaryExpression":
        // `CoCreateInstance(...) >>> 0`, `hr | 0`: the same HRESULT as a number (bun:ffi code prints it in hex); its
        // `!== 0` tests are the call's. (A `< 0` test of the unsigned value is a test that never fails, read as one.)
        if ((expr.operator === ">>>" || expr.operator === "|") && numericLiteral(expr.right) === 0) return this.sym(expr.left);
        return this.hresultTest(expr);
      case "AssignmentExpression":
        // `p ??= make()` is the old value or the new one (`p &&= q` the new one, or no pointer).
        return expr.operator === "??=" || expr.operator === "||=" ? unionSym(this.sym(expr.left), this.sym(expr.right)) : this.sym(expr.right);
      case "SequenceExpression":
        return this.sym(expr.expressions[expr.expressions.length - 1]);
      case "ConditionalExpression":
        return unionSym(this.sym(expr.consequent), this.sym(expr.alternate));
      case "LogicalExpression":
        return unionSym(this.sym(expr.left), this.sym(expr.right));
      default:
        return null;
    }
  }

  /** The slot of a box a read takes its pointer from (out-boxes.ts `readBox`), or null for no read. */
  private boxRead(expr: Node): Sym {
    const read = this.ffi?.boxes.readBox(expr);
    const key = read ? this.keyOf(read.box) : null;
    return key === null ? null : { t: "slot", key: key + read!.member };
  }

  /** A call of a function of this file, or imported, whose body is `return <test of its parameter>` (`isHResultSuccess(hr)`). */
  localHresultTest(call: TSESTree.CallExpression): { argument: Node; failed: boolean } | null {
    if (call.arguments.length < 1 || call.arguments[0].type === "SpreadElement") return null;
    const fn = this.localFunction(call.callee) as TSESTree.FunctionLike | null;
    const test = fn ? this.hresultTestFunction(fn) : (this.importedRole(call.callee)?.testsHresult ?? null);
    return test ? { argument: call.arguments[0], failed: test.failed } : null;
  }

  /** `return hr >= 0` of its first parameter: a function that tests an HRESULT (true when it failed, `failed`). */
  hresultTestFunction(fn: TSESTree.FunctionLike): { failed: boolean } | null {
    const param = fn.params[0];
    if (!fn.body || param?.type !== "Identifier") return null;
    const body = fn.body.type === "BlockStatement" ? (fn.body.body.length === 1 && fn.body.body[0].type === "ReturnStatement" ? fn.body.body[0].argument : null) : fn.body;
    const returned = body ? unwrapExpression(body) : null;
    if (returned?.type !== "BinaryExpression") return null;
    // `return v >= 0`, or of the number it converts to (`return Number(v) >= 0`).
    let left = unwrapExpression(returned.left);
    const converted = left.type === "CallExpression" ? conversionOperand(left, () => null) : null;
    if (converted) left = unwrapExpression(converted);
    if (left.type !== "Identifier" || left.name !== param.name) return null;
    const test = this.hresultTest(returned);
    return test?.t === "test" ? { failed: test.failed } : null;
  }

  /** `ok = hr === S_OK`, `bad = hr < 0`: an HRESULT test kept in a variable, like `ok = SUCCEEDED(hr)`. */
  private hresultTest(expr: TSESTree.BinaryExpression): Sym {
    if (expr.left.type === "PrivateIdentifier") return null;
    const zero = (n: Node) => n.type === "Literal" && n.value === 0;
    const success = (n: Node) => zero(n) || this.isSuccessConstant(n);
    let failed: boolean;
    if ((expr.operator === "===" || expr.operator === "==") && success(expr.right)) failed = false;
    else if ((expr.operator === "!==" || expr.operator === "!=") && success(expr.right)) failed = true;
    else if (expr.operator === "<" && zero(expr.right)) failed = true;
    else if (expr.operator === ">=" && zero(expr.right)) failed = false;
    else return null;
    const operand = unwrapExpression(expr.left);
    const of = this.sym(operand.type === "BinaryExpression" && operand.operator === ">>>" ? operand.left : operand);
    return of ? { t: "test", of, failed } : null;
  }

  /** A canonical key for a variable or member path, or null. */
  keyOf(node: Node): string | null {
    const expr = unwrapExpression(node);
    switch (expr.type) {
      case "Identifier": {
        const variable = this.variableOf(expr);
        if (!variable) return `g:${expr.name}`;
        let key = this.variableKeys.get(variable);
        if (key === undefined) this.variableKeys.set(variable, (key = `v${this.variableKeys.size}`));
        return key;
      }
      case "ThisExpression":
        return "this";
      case "MemberExpression": {
        const base = this.keyOf(expr.object);
        if (base === null) return null;
        // `out[0]`, or `out[FIRST]` with `const FIRST = 0`.
        const index = expr.computed ? constantIndex(expr.property, (id) => this.declaredInit(id)) : null;
        if (index !== null) return `${base}[${index}]`;
        const name = memberName(expr);
        return name === null ? null : `${base}.${name}`;
      }
      default:
        return null;
    }
  }

  variableOf(node: TSESTree.Identifier): Scope.Variable | null {
    const known = this.scopes.knownVariable(node);
    if (known) return known;
    const cached = this.resolved.get(node);
    if (cached !== undefined) return cached;
    let scope: Scope.Scope | null = this.scopes.scopeOf(node);
    let found: Scope.Variable | null = null;
    while (scope && !found) {
      found = scope.set.get(node.name) ?? null;
      scope = scope.upper;
    }
    this.resolved.set(node, found);
    return found;
  }

  initOf(expr: Node): Node | null {
    return this.declaredInit(expr);
  }

  isParameter(expr: Node): boolean {
    return expr.type === "Identifier" && this.variableOf(expr)?.defs[0]?.type === "Parameter";
  }

  referencesOf(node: TSESTree.Identifier): TSESTree.Identifier[] {
    const variable = this.variableOf(node);
    return variable ? variable.references.map((ref) => ref.identifier as TSESTree.Identifier) : [node];
  }

  /**
   * A function of this file, or one imported from the repository (`gpu.vcall`, `const { vcall } = gpu`), that
   * indexes a vtable with its second parameter (`read.ptr(vtable, slot * 8)`): a dispatcher.
   */
  isLocalDispatcher(callee: Node): boolean {
    const fn = this.localFunction(callee) as TSESTree.FunctionLike | null;
    return fn ? this.isDispatcherFunction(fn) : this.importedRole(callee)?.dispatcher === true;
  }

  isDispatcherFunction(fn: TSESTree.FunctionLike): boolean {
    return indexesVtable(fn, this.sourceCode) || handsSlotToDispatcher(fn, (callee) => this.isLocalDispatcher(callee));
  }

  /**
   * A function of this file that throws or ends the process when one of its parameters is a
   * failed HRESULT: `function need(label, hr) { if (hr !== S_OK) { log(label); process.exit(1) } }`.
   */
  isLocalCheckHelper(callee: Node): boolean {
    const fn = this.localFunction(callee) as TSESTree.FunctionLike | null;
    return fn ? this.isCheckHelperFunction(fn) : false;
  }

  isCheckHelperFunction(fn: TSESTree.FunctionLike): boolean {
    return endsOnFailure(fn, this.sourceCode);
  }

  /** `process.exit(1)`, `Deno.exit(1)`, or a call of a function of this file declared `never` or ending in such a call. */
  endsProcess(call: TSESTree.CallExpression): boolean {
    if (isExitCall(call)) return true;
    const fn = this.localFunction(call.callee) as TSESTree.FunctionLike | null;
    return fn ? endsProcessFunction(fn) : false;
  }

  /** The initializer of the variable an identifier names (`const out = [null]` -> `[null]`). */
  declaredInit(expr: Node): Node | null {
    if (expr.type !== "Identifier") return null;
    const def = this.variableOf(expr)?.defs[0];
    if (def && def.node.type === "VariableDeclarator") return (def.node as TSESTree.VariableDeclarator).init ?? null;
    return null;
  }

  /**
   * Is this variable declared in the function being analysed (or an IIFE
   * around it) and never referenced from another function? Anything else
   * holding a pointer means the pointer has escaped.
   */
  isLocalUnshared(node: TSESTree.Identifier, graph: FunctionGraph | undefined): boolean {
    const variable = this.variableOf(node);
    if (!variable || !graph) return false;
    const home = variable.scope.variableScope;
    if (!ownsScope(graph, home)) return false;
    // An exported variable belongs to the module's importers too.
    if (this.isExportedVariable(variable)) return false;
    let captured = this.capturedCache.get(variable);
    if (captured === undefined) {
      // A const captured only by closures made later escapes where they are made (Recorder.closureMade).
      captured = referencedByClosures(variable, home) && !capturedOnlyByLaterClosures(variable, home);
      this.capturedCache.set(variable, captured);
    }
    return !captured;
  }

  /**
   * The variables a closure made in `graph`'s function captures at its making: its function's
   * consts captured only by closures made later (the others escaped when bound), except those a
   * method of an object literal holding them captures (the object holds them).
   */
  capturedAtMaking(fn: Node, graph: FunctionGraph): TSESTree.Identifier[] {
    return declaredOf(outerReferences(this.sourceCode.scopeManager, fn).filter(({ variable, from }) => {
      const home = variable.scope.variableScope;
      return ownsScope(graph, home) && capturedOnlyByLaterClosures(variable, home) && !inOwnLiteralMethod(from, home, variable);
    }));
  }

  /**
   * The variables of `graph`'s function a closure refers to (`dispose` of `const dispose = () => { release(root[0]) }`):
   * whoever holds the closure reaches what they hold, also what a box among them receives after the closure is made.
   */
  capturedBy(fn: Node, graph: FunctionGraph): TSESTree.Identifier[] {
    return declaredOf(outerReferences(this.sourceCode.scopeManager, fn).filter(({ variable }) => variable.defs.some((def) => def.type === "Variable") && ownsScope(graph, variable.scope.variableScope)));
  }

  /** The keys of the variables a function refers to that a function around it declares (not the module's). */
  outerFunctionKeys(fn: Node): Set<string> {
    const keys = new Set<string>();
    for (const { variable } of outerReferences(this.sourceCode.scopeManager, fn)) {
      const home = variable.scope.variableScope;
      const key = home.type === "module" || home.type === "global" ? null : this.keyOf(variable.identifiers[0] as TSESTree.Identifier);
      if (key !== null) keys.add(key);
    }
    return keys;
  }

  /**
   * A variable of the module's own scope (top-level `let`/`const`/`var`), not exported: the module's to release.
   * Not a `let` or `const` of a top-level block (`while (running) { let src = hdr; ... }`): that is the top-level
   * code's local, like a function's.
   */
  isModuleVariable(node: TSESTree.Identifier): boolean {
    const variable = this.variableOf(node);
    const type = variable?.scope.type;
    return !!variable && (type === "module" || type === "global") && variable.defs.some((def) => def.type === "Variable") && !this.isExportedVariable(variable);
  }

  /** What a module variable holds, or a member of one (`blend`, `gpu.device`). */
  isModuleState(target: Node): boolean {
    let root = unwrapExpression(target);
    while (root.type === "MemberExpression") root = unwrapExpression(root.object);
    return root.type === "Identifier" && this.isModuleVariable(root);
  }

  /** Module state, or what a function's variable its closures share holds (`g.device` of `main`'s `g`). */
  isHeldState(target: Node): boolean {
    let root = unwrapExpression(target);
    while (root.type === "MemberExpression") root = unwrapExpression(root.object);
    return root.type === "Identifier" && (this.isModuleVariable(root) || this.isSharedWithClosures(root));
  }

  /** A variable of `graph`'s own function that its closures share. */
  isOwnSharedWithClosures(node: TSESTree.Identifier, graph: FunctionGraph | undefined): boolean {
    const home = this.variableOf(node)?.scope.variableScope;
    return !!graph && !!home && ownsScope(graph, home) && this.isSharedWithClosures(node);
  }

  /**
   * A variable of a function (not the module's) that another function refers to: a closure made in it
   * (`function drawHud() { hud.draw(g) }` in `main`), or the function itself when the variable is an outer one's.
   */
  isSharedWithClosures(node: TSESTree.Identifier): boolean {
    const variable = this.variableOf(node);
    const home = variable?.scope.variableScope;
    if (!variable || !home || !variable.defs.some((def) => def.type === "Variable")) return false;
    // A module's variable is the top level's own like a function's is its function's, unless importers see it too.
    if (home.type !== "function" && !((home.type === "module" || home.type === "global") && !this.isExportedVariable(variable))) return false;
    // Asked at every use: once per variable (a function's variable used at 10,000 calls has 10,000 references to go over).
    let shared = this.sharedCache.get(variable);
    if (shared === undefined) this.sharedCache.set(variable, (shared = referencedByClosures(variable, home)));
    return shared;
  }
  private readonly sharedCache = new Map<Scope.Variable, boolean>();

  /** Cached: a variable bound in a loop or on many paths would scan all its references at every binding. */
  private isExportedVariable(variable: Scope.Variable): boolean {
    let exported = this.exportedCache.get(variable);
    if (exported === undefined) this.exportedCache.set(variable, (exported = isExported(variable)));
    return exported;
  }

  /**
   * The parameter a wrapper (of this file, or imported) runs at once and returns the result of (`withBstr(value, fn)`
   * returning `fn(bstr)`: helper-shapes.ts `returnsCallbackResult`), or null.
   */
  wrapperCallbackIndex(callee: Node): number | null {
    const fn = this.localFunction(callee);
    if (fn) return isFunctionNode(fn) ? returnsCallbackResult(fn) : null;
    return this.importedRole(callee)?.summary?.returnsCallbackResult ?? null;
  }

  /** The function of this file a callee names: `helper(...)`, `const helper = () => ...`, `this.method(...)`. */
  localFunction(callee: Node): Node | null {
    // Most callees are members of other objects (`call.Begin_GetPrice`): no function of this file, known without the cache.
    const expr = unwrapExpression(callee);
    if (expr.type !== "Identifier" && !(expr.type === "MemberExpression" && (expr.object.type === "ThisExpression" || this.tables.mayName(expr.object)))) return null;
    let fn = this.localFunctions.get(callee);
    if (fn === undefined) this.localFunctions.set(callee, (fn = this.findLocalFunction(callee)));
    return fn;
  }

  private findLocalFunction(callee: Node): Node | null {
    const expr = unwrapExpression(callee);
    if (expr.type === "Identifier") {
      const variable = this.variableOf(expr);
      const def = variable?.defs.length === 1 ? variable.defs[0] : undefined;
      if (!def) return null;
      const node = def.node as Node;
      if (def.type === "FunctionName" && node.type === "FunctionDeclaration") return node;
      if (def.type === "Variable" && node.type === "VariableDeclarator" && (node.parent as TSESTree.VariableDeclaration).kind === "const") {
        const init = node.init && unwrapExpression(node.init);
        if (init && (init.type === "FunctionExpression" || init.type === "ArrowFunctionExpression")) return init;
      }
      return null;
    }
    // `com.release(p)`, where `const com = { release(p) { ... } }` or `= createComRuntime()` (function-tables.ts).
    if (expr.type === "MemberExpression" && expr.object.type === "Identifier") return this.tables.memberFunction(expr);
    if (expr.type === "MemberExpression" && expr.object.type === "ThisExpression" && !expr.computed && expr.property.type === "Identifier") {
      const name = expr.property.name;
      let scope: Node | undefined = expr.parent;
      while (scope && scope.type !== "ClassBody") scope = scope.parent;
      if (!scope) return null;
      for (const member of scope.body) {
        if (member.type === "MethodDefinition" && member.kind === "method" && !member.static && !member.computed && member.key.type === "Identifier" && member.key.name === name) return member.value;
      }
    }
    return null;
  }
}

export function unionSym(a: Sym, b: Sym): Sym {
  if (!a) return b;
  if (!b) return a;
  return { t: "union", parts: [a, b] };
}
