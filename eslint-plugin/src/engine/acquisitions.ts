/**
 * Acquisitions as recording meets them (spec 2a, shape 7): the resource of each acquiring call, the out
 * boxes it fills, and which box read names which pointer (`const cancel = out.readBigUInt64LE(0)`).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { enclosingStatement, isPropertyName, unwrapExpression, walk, wrappedValue } from "./ast";
import { enclosingFunction, insideLoop, returnedValues } from "./ast-functions";
import type { Event, Resource, Sym } from "./model";
import type { ApiCall } from "./recognizer";
import type { ResourceTable } from "./resources";
import type { FunctionGraph } from "./segment-graph";
import { BOX_SLOTS, boxOfSlot } from "./slot-keys";
import type { Symbols } from "./symbols";
import { declarationEnd } from "./scope-homes";

export class Acquisitions {
  /** The last acquisition into each box, by the box's key: a read of the box names the pointer. */
  private readonly boxContents = new Map<string, Resource>();

  constructor(
    private readonly symbols: Symbols,
    private readonly resources: ResourceTable,
    private readonly record: (event: Event) => void,
    private readonly text: (node: TSESTree.Node) => string,
    /** Inside a `try`, the call may throw: before it acquires (spec: a QueryInterface that throws acquires nothing). */
    private readonly throwPoint: () => void,
  ) {}

  /** The pointer the box (by key) was last filled with, for its read to name: once. */
  takeBoxRead(boxKey: string): Resource | undefined {
    const res = this.boxContents.get(boxKey);
    if (res) this.boxContents.delete(boxKey);
    return res;
  }

  /**
   * A box's pointer that no variable holds yet is named by its first read given to a call (`call(ptr(link), SET_PATH)`:
   * `ptr(link)`), as a binding names it; not by a read another read or a conversion takes in
   * (`Number(view.getBigUint64(0, true))` is named where it is bound).
   */
  nameByRead(key: string, read: TSESTree.CallExpression, consumer: TSESTree.CallExpression | TSESTree.NewExpression): void {
    const boxes = this.symbols.ffi?.boxes;
    if (!boxes || (consumer.type === "CallExpression" && boxes.readBox(consumer) !== null) || boxes.convertedOperand(consumer) !== null) return;
    const box = boxOfSlot(key);
    const res = box !== null ? this.takeBoxRead(box) : undefined;
    if (res) res.name = this.text(read);
  }

  /**
   * Names pointers after the variable they are first bound to (messages say `cancel`, not the call): what an acquiring
   * call in `value` makes (a conditional's branch too: `const f = on ? query(w, IID) : undefined`), and the pointer a
   * box read takes (`const cancel = out.readBigUInt64LE(0)`: from here on the pointer is `cancel`).
   */
  nameByBinding(target: TSESTree.Identifier | TSESTree.MemberExpression, value: TSESTree.Expression, sym: Sym, statement: TSESTree.Node | null): void {
    for (const acquired of this.acquiredBy(value)) {
      if (acquired.ownerStatement !== null) continue;
      acquired.name = target.type === "Identifier" ? target.name : this.text(target);
      acquired.ownerStatement = statement;
    }
    if (sym?.t !== "slot" || target.type !== "Identifier") return;
    const box = boxOfSlot(sym.key);
    // `const big = view.getBigUint64(0, true); const item = new Deno.UnsafePointer(Number(big))`: the pointer is called
    // what the code converts it into, the name it uses as the object.
    const read = box !== null ? this.takeBoxRead(box) : this.isConversion(value) ? this.namedReads.get(sym.key) : undefined;
    if (!read) return;
    // Renamed only by a conversion in the same block, used as the object: not `const addr = Number(big)` kept for a
    // log line, nor a variable of an inner block (the repair would release the pointer inside that block only).
    if (box === null && (read.ownerStatement?.parent !== statement?.parent || !this.symbols.ffi?.usedAsComObject(target))) return;
    if (box === null) this.namedReads.delete(sym.key);
    // Until this binding, the read itself names the pointer (`folder[0]`, `box.readBigUInt64LE(0)`); not in a loop, where
    // an exit written before the binding may be reached after it, on the next pass.
    const readText = box !== null && statement && !insideLoop(statement) && this.namesDeclaredBy(value, read.ownerStatement) ? this.text(unwrapExpression(value)) : "";
    if (readText && readText.length <= 60) {
      // Where the binding's variable is in scope (a `let` declared outside the block that assigns it), and where every
      // variable the read names is (`out`, declared in a block the pointer leaves bound to `quote`).
      const scopeOf = (id: TSESTree.Identifier) => (this.symbols.variableOf(id)?.scope.block as TSESTree.Node | undefined) ?? null;
      const readScopes: TSESTree.Node[] = [];
      walk(value, (node) => {
        const block = node.type === "Identifier" && !isPropertyName(node) ? scopeOf(node) : null;
        if (block) readScopes.push(block);
      });
      read.inBox ??= { name: readText, owner: read.ownerStatement, boundAt: statement!, bindingScope: scopeOf(target) ?? statement!.parent!, readScopes };
    }
    read.name = target.name;
    // A repair releases `cancel` after the statement that names it, not after the call that filled the box.
    if (statement) read.ownerStatement = statement;
    const key = this.symbols.keyOf(target);
    if (key !== null) this.namedReads.set(key, read);
  }

  /** Box reads named by a variable, by its key: a conversion bound to another variable names them again. */
  private readonly namedReads = new Map<string, Resource>();

  /**
   * Does every variable of its function that `expression` names exist by the end of `statement` (not `view` in
   * `view.getBigUint64(0)`, declared after the call that filled the box; a function declared further down is hoisted)?
   */
  private namesDeclaredBy(expression: TSESTree.Node, statement: TSESTree.Node | null): boolean {
    if (statement === null) return true;
    const home = enclosingFunction(statement);
    let declared = true;
    walk(expression, (node) => {
      if (node.type !== "Identifier" || isPropertyName(node)) return;
      const variable = this.symbols.variableOf(node);
      const ownFunction = variable && (enclosingFunction(variable.scope.block as TSESTree.Node) === home || variable.scope.block === home);
      const from = ownFunction ? declarationEnd(variable) : null;
      if (from !== null && from > statement.range[1]) declared = false;
    });
    return declared;
  }

  private isConversion(value: TSESTree.Expression): boolean {
    const expr = unwrapExpression(value);
    return (expr.type === "CallExpression" || expr.type === "NewExpression") && (this.symbols.ffi?.boxes.convertedOperand(expr) ?? null) !== null;
  }

  private acquiredBy(value: TSESTree.Node): Resource[] {
    const expr = unwrapExpression(value);
    // `list = await results(op)`: an async helper's pointer, once awaited.
    if (expr.type === "AwaitExpression") return this.acquiredBy(expr.argument);
    if (expr.type === "ConditionalExpression") return [...this.acquiredBy(expr.consequent), ...this.acquiredBy(expr.alternate)];
    // `createDevice(1) ?? createDevice(5)`: either call's, when both acquire (`cached ?? compile()` may be the cache's,
    // which a repair must not release).
    if (expr.type === "LogicalExpression" && expr.operator !== "&&") {
      const [left, right] = [this.acquiredBy(expr.left), this.acquiredBy(expr.right)];
      return left.length > 0 && right.length > 0 ? [...left, ...right] : [];
    }
    // `const stream = BigInt(Shlwapi.SHCreateMemStream(null, 0))`: the pointer converted is the call's.
    const converted = expr.type === "CallExpression" || expr.type === "NewExpression" ? this.symbols.ffi?.boxes.convertedOperand(expr) : null;
    if (converted) return this.acquiredBy(converted);
    const res = this.resources.acquireSites.get(expr);
    return res ? [res] : [];
  }

  /**
   * The function an acquisition inside a callback fills a box for: `withBuffer(iid, (a) => vcall(obj, QI, [a, ptr(out)]))`
   * in a function that declares `out` and reads it after that call (callbacks of callbacks too), the callback itself
   * touching the box nowhere else. The callback ran before the call returned, since a callback run later would leave
   * the box empty where its caller reads it: the box is filled there, as if the acquisition were written in place. Not
   * for callbacks given to a method (`list.map(cb)`, `p.then(cb)`, `target.addEventListener("x", cb)`: run later or
   * many times) or to a global of the platform (`setTimeout(cb)`): a function of this module or one it imports.
   * Null otherwise.
   */
  callbackCaller(node: TSESTree.CallExpression, outBox: TSESTree.Expression, graph: FunctionGraph): FunctionGraph | null {
    const box = unwrapExpression(outBox);
    const variable = box.type === "Identifier" ? this.symbols.variableOf(box) : null;
    const home = variable?.scope.variableScope.block as TSESTree.Node | undefined;
    if (!variable || !home) return null;
    const at = (ref: { identifier: unknown }) => (ref.identifier as TSESTree.Identifier).range;
    // The acquisition as written: a lookup's call of the method it returns too (`method(obj, 0, sig)(a, ptr(out))`).
    const site = node.parent?.type === "CallExpression" && node.parent.callee === node ? node.parent : node;
    // Whether each callback's value is the acquiring call's: then so is the outermost call's (its HRESULT, as `with*` helpers return it).
    let result: TSESTree.Node | null = site;
    for (let inner = graph; inner.node !== home; inner = inner.parent!) {
      const fn = inner.node;
      const call = fn.parent;
      if ((fn.type !== "ArrowFunctionExpression" && fn.type !== "FunctionExpression") || call?.type !== "CallExpression" || !call.arguments.includes(fn) || !inner.parent) return null;
      const callee = unwrapExpression(call.callee);
      if (callee.type !== "Identifier" || this.symbols.variableOf(callee) === null || !this.callsItsCallback(callee)) return null;
      result = result !== null && fn.type === "ArrowFunctionExpression" && fn.expression && unwrapExpression(fn.body) === result && this.returnsItsCallback(callee) ? call : null;
      if (inner.parent.node !== home) continue;
      const [start, end] = fn.range;
      const inside = variable.references.filter((ref) => at(ref)[0] >= start && at(ref)[1] <= end);
      if (inside.some((ref) => at(ref)[0] < site.range[0] || at(ref)[1] > site.range[1])) return null;
      if (!variable.references.some((ref) => at(ref)[0] >= call.range[1] && at(ref)[1] <= home.range[1] && this.readsBox(ref.identifier as TSESTree.Identifier))) return null;
      if (result !== null) this.resources.callbackResults.set(call, node);
      return inner.parent;
    }
    return null;
  }

  /** A function of the file that calls a parameter of its own in its own body (`invoke(ptr(buffer))`), not later (`setTimeout(fn)`); an import, assumed so. */
  private callsItsCallback(callee: TSESTree.Identifier): boolean {
    const fn = this.symbols.localFunction(callee) as TSESTree.FunctionLike | null;
    if (!fn) return true;
    return fn.params.some((param) => param.type === "Identifier" && this.symbols.referencesOf(param).some((ref) => ref.parent?.type === "CallExpression" && ref.parent.callee === ref && enclosingFunction(ref) === fn));
  }

  /**
   * Whether a function given a callback returns what the callback returned (`return invoke(ptr(buffer))`, `return hr` after
   * `hr = invoke()`): assumed, unless a function of the file returns a test (`return invoke() >= 0`, `!...`, `true`).
   */
  private returnsItsCallback(callee: TSESTree.Identifier): boolean {
    const fn = this.symbols.localFunction(callee) as TSESTree.FunctionLike | null;
    return !fn || !returnedValues(fn).some((value) => value !== null && (isTest(value) || (value.type === "Literal" && typeof value.value === "boolean")));
  }

  /**
   * A read of what the box holds (out-boxes.ts `readBox`: `out[0]`, `out.value`, `out.readBigUInt64LE(0)`, `new
   * BigUint64Array(out.buffer)[0]`), also through TypeScript's wrappers (`(out as BigUint64Array)[0]`), a destructuring
   * (`const [raw] = out`) or a call given the box (`pointer(out)`); not `out.length` or `out[0] = 0n`.
   */
  private readsBox(ref: TSESTree.Identifier): boolean {
    const expr = wrappedValue(ref);
    const parent = expr.parent;
    if (parent?.type === "VariableDeclarator" && parent.init === expr) return parent.id.type === "ArrayPattern" || parent.id.type === "ObjectPattern";
    if (parent?.type === "CallExpression" || parent?.type === "NewExpression") return parent.arguments.includes(expr as TSESTree.Expression);
    if (parent?.type !== "MemberExpression" || parent.object !== expr || (parent.parent?.type === "AssignmentExpression" && parent.parent.left === parent)) return false;
    // The read's own node is the member (`out[0]`), its call (`out.readBigUInt64LE(0)`), or a view's element (`.buffer`).
    const boxes = this.symbols.ffi?.boxes;
    let node: TSESTree.Node | undefined = parent;
    for (let depth = 0; node && boxes && depth < 3; depth++, node = node.parent) {
      const box = boxes.readBox(node)?.box;
      if (box && unwrapExpression(box) === ref) return true;
    }
    return false;
  }


  onAcquire(node: TSESTree.CallExpression, api: Extract<ApiCall, { kind: "acquire" }>): void {
    const s = this.symbols;
    const sourceKey = api.source ? s.keyOf(api.source) : null;
    const outKey = api.outBox ? s.keyOf(api.outBox) : null;
    if (api.outBox && outKey === null) return; // the pointer lands somewhere we cannot follow
    if (api.source) this.record({ k: "use", node, target: s.sym(api.source) });
    let res = this.resources.acquireSites.get(node);
    if (!res) {
      res = this.resources.create(node, true, api.isCallFactory, api.isCancelInterface, sourceKey, api.acquirer);
      // Raw shape: the out box holds null when QueryInterface failed. (Raw FFI code is judged by
      // its HRESULT tests alone: an untested box read is taken as owned, never as "unchecked".)
      res.mayFail = api.returnsHresult && !api.ffi;
      res.ffi = api.ffi;
      res.fromBox = api.ffi && outKey !== null && api.ownedFromRead === true;
      this.resources.acquireSites.set(node, res);
    }
    this.throwPoint();
    const checked = !api.nullable && !api.returnsHresult;
    this.record({ k: "acquire", res, node, checked });
    if (outKey !== null && api.outBox) this.fillBox(node, res, api.outBox, outKey);
    let extra = this.resources.extraAcquires.get(node);
    if (!extra && api.extraBoxes) {
      extra = api.extraBoxes.filter((box) => s.keyOf(box) !== null).map(() => {
        const more = this.resources.create(node, true, false, false, null, api.acquirer);
        Object.assign(more, { ffi: true, fromBox: res.fromBox });
        return more;
      });
      this.resources.extraAcquires.set(node, extra);
    }
    api.extraBoxes?.filter((box) => s.keyOf(box) !== null).forEach((box, i) => {
      this.record({ k: "acquire", res: extra![i], node, checked });
      this.fillBox(node, extra![i], box, s.keyOf(box)!);
    });
  }

  /** The box `box` (key `boxKey`) holds `res` from this call on; a read of it names the pointer. */
  private fillBox(node: TSESTree.CallExpression, res: Resource, box: TSESTree.Expression, boxKey: string): void {
    const ref: Sym = { t: "vals", ids: [this.resources.valueId({ kind: "ref", res })] };
    // (`out as any`, `out!`: the box itself.)
    const bare = unwrapExpression(box) as TSESTree.Expression;
    const boxText = this.text(bare);
    if (/^[\w$.]+$/.test(boxText)) res.name = this.outBoxName(bare, boxText);
    res.ownerStatement = enclosingStatement(node);
    // The box's earlier pointer, never read: from here on its read names this one.
    const earlier = this.boxContents.get(boxKey);
    if (earlier && earlier !== res) earlier.boxRefilledAt ??= node;
    this.boxContents.set(boxKey, res);
    for (const slot of BOX_SLOTS) this.record({ k: "assign", key: boxKey + slot, sym: ref, escapes: false });
  }

  /** `out[0]` for an array box, `out.value` for an object box. */
  private outBoxName(box: TSESTree.Expression, text: string): string {
    return this.symbols.declaredInit(box)?.type === "ObjectExpression" ? `${text}.value` : `${text}[0]`;
  }

  destructuredBoxRead(pattern: TSESTree.DestructuringPattern, init: TSESTree.Expression): { key: string; from: string } | null {
    const boxKey = this.symbols.keyOf(init);
    if (boxKey === null) return null;
    let target: TSESTree.Node | null | undefined = null;
    let member = "";
    if (pattern.type === "ArrayPattern" && pattern.elements.length === 1) {
      target = pattern.elements[0];
      member = "[0]";
    } else if (pattern.type === "ObjectPattern" && pattern.properties.length === 1 && pattern.properties[0].type === "Property" && pattern.properties[0].key.type === "Identifier" && pattern.properties[0].key.name === "value") {
      target = pattern.properties[0].value;
      member = ".value";
    }
    const key = target?.type === "Identifier" ? this.symbols.keyOf(target) : null;
    return key !== null ? { key, from: boxKey + member } : null;
  }
}

/** A comparison or negation: a value that is true or false, not the HRESULT it tested. */
function isTest(node: TSESTree.Node): boolean {
  const expr = unwrapExpression(node);
  return (expr.type === "BinaryExpression" && /^(?:[<>]=?|[!=]==?)$/.test(expr.operator)) || (expr.type === "UnaryExpression" && expr.operator === "!");
}
