/**
 * The calls the engine gives no protocol meaning (recording.ts hands them here): a use of the receiver (or only of a
 * vtable call's object) and of each argument, then what the call does with the arguments: nothing for a read or the
 * address of a box, or a conversion; a summarised call of a function of this file or an imported helper; an HRESULT
 * checked or passed on; otherwise an escape (native code keeps nothing it is given).
 */
import type { Scope } from "eslint";
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, isPropertyName, memberName, unwrapExpression, walk } from "./ast";
import { isFunctionNode, resultCalledBy, returnedValues } from "./ast-functions";
import type { Acquisitions } from "./acquisitions";
import type { ImportedRoles } from "./imported-roles";
import type { Event, Sym } from "./model";
import type { ObjectLiterals } from "./object-literals";
import { readsParamAsValue } from "./helper-shapes";
import { poolStore } from "./pools";
import type { ApiCall, Recognizer } from "./recognizer";
import type { ResourceTable } from "./resources";
import type { Symbols } from "./symbols";

type Node = TSESTree.Node;

export class OtherCalls {
  constructor(
    private readonly symbols: Symbols,
    private readonly recognizer: Recognizer,
    private readonly resources: ResourceTable,
    private readonly classify: (call: TSESTree.CallExpression) => ApiCall | null,
    private readonly parts: { literals: ObjectLiterals; acquisitions: Acquisitions; imported: ImportedRoles },
    private readonly recordEvent: (event: Event) => void,
    private readonly throwPoint: () => void,
    private readonly text: (node: Node) => string,
  ) {}

  /** A call the engine gives no meaning: a use of its receiver (or of `usedOnly`, a vtable call's object) and of its arguments, which then escape. */
  record(node: TSESTree.CallExpression | TSESTree.NewExpression, args: TSESTree.CallExpressionArgument[], usedOnly: Node | null = null): void {
    const s = this.symbols;
    const callee = unwrapExpression(node.callee);
    if (callee.type === "MemberExpression") {
      const method = memberName(callee);
      const valueMethod = method !== null && !this.recognizer.vocabulary.isProtocolMethod(method);
      this.recordEvent({ k: "use", node, target: s.sym(callee.object), ...(valueMethod ? { valueMethod } : {}) });
      // `obj.dispose()` where the literal's `dispose` may release: what the object holds is handed on.
      const owner = this.parts.literals.callsReleasingMethod(callee);
      if (owner !== null) this.recordEvent({ k: "escape", target: { t: "slot", key: owner }, targetKey: owner });
    }
    const argSyms: { sym: Sym; key: string | null; pooledIn?: { collection: TSESTree.Identifier; store: Node } }[] = [];
    // `pool.set(k, p)`, `list.push(p)` into a collection of the file's own: pools.ts.
    const pool = node.type === "CallExpression" ? poolStore(node, (id) => s.variableOf(id)) : null;
    // `comMethod(p, 2, proto)(p)`: the lookup was the method's call on `p` (a use, or its Release); `p` is not passed on again.
    const self = node.type === "CallExpression" ? (this.recognizer.ffi?.methods.lookedUpOn(node) ?? null) : null;
    // A function of this file (not a dispatcher's vtable call) that reads a parameter only as a value.
    const local = node.type === "CallExpression" && usedOnly === null ? s.localFunction(node.callee) : null;
    const fn = local !== null && isFunctionNode(local) && this.recognizer.ffi !== null ? local : null;
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      const expr = arg.type === "SpreadElement" ? arg.argument : arg;
      const sym = expr === self ? null : s.sym(expr);
      if (!sym) continue;
      // `call(ptr(link), SET_PATH)`: a pointer read from its box at every use is called by that read (not by a read
      // that another read or a conversion takes in: `Number(view.getBigUint64(0, true))` is named where it is bound).
      if (sym.t === "slot" && expr.type === "CallExpression") this.parts.acquisitions.nameByRead(sym.key, expr, node);
      const asValue = fn !== null && arg.type !== "SpreadElement" && readsParamAsValue(fn, i, (param) => s.referencesOf(param));
      this.recordEvent({ k: "use", node, target: sym, ...(asValue ? { asValue } : {}) });
      if (expr !== usedOnly) argSyms.push({ sym, key: s.keyOf(expr), ...(pool?.stored.includes(expr) ? { pooledIn: { collection: pool.declared, store: node } } : {}) });
    }
    this.throwPoint();
    // `Number(box[0])`, `read.ptr(box, 0)`: a read of a box's pointer hands nothing on (what it binds takes the pointer).
    // Nor does taking a box's address (`ptr(box)`, `Deno.UnsafePointer.of(box)`): the call it goes to decides.
    if (node.type === "CallExpression" && (this.recognizer.ffi?.boxes.readBox(node) || this.recognizer.ffi?.boxes.addressedBox(node))) return;
    // A conversion (`Number(p)`, `new Deno.UnsafePointer(p)`) is the pointer itself: what it binds follows it.
    if (this.recognizer.ffi?.boxes.convertedOperand(node)) return;
    // Raw COM code hands HRESULTs to throw-on-failure helpers (`ThrowIfFailed(hr)`, `checkHr(hr)`):
    // after such a call the code runs on the success path. Recognised by the helper's name.
    // A helper of this file that throws or exits when its HRESULT fails is a check too, whatever its name.
    const name = calleeName(node.callee);
    const imported = node.type === "CallExpression" && usedOnly === null ? this.parts.imported.of(node.callee) : null;
    const check = (name !== null && this.recognizer.vocabulary.isCheckHelperName(name)) || (node.type === "CallExpression" && s.isLocalCheckHelper(node.callee)) || imported?.check === true;
    // A test helper (`isSuccessful(hr)`) is read by the branch that uses its result.
    const test = node.type === "CallExpression" && s.localHresultTest(node) !== null;
    if (!test) for (const { sym } of argSyms) this.recordEvent({ k: check ? "hrHandled" : "hrPassed", target: sym });
    // A dispatcher's own body is no summary of the method it calls: its object is only used.
    if (local || imported?.summary) {
      // Summarised at solve time: each argument gets the callee's effect, the result may be owned.
      let result = this.resources.acquireSites.get(node);
      if (!result) {
        result = this.resources.create(node, true, false, false, null, name ?? this.text(node.callee));
        this.resources.acquireSites.set(node, result);
      }
      const allArgs = args.map((arg) => {
        const expr = arg.type === "SpreadElement" ? arg.argument : arg;
        return { sym: s.sym(expr), key: s.keyOf(expr), expr, ...(expr.type === "Identifier" && s.isModuleVariable(expr) ? { moduleVariable: true } : {}) };
      });
      const given = callbackGiven(s.wrapperCallbackIndex(node.callee), args, (id) => s.localFunction(id));
      // (Not one returning what a variable of a function around it holds, `return out.readBigUInt64LE(0)` of the caller's
      // box: the caller holds that object through its own variable too, and one resource would become two.)
      const callback = given && !returnsOuterVariable(given as TSESTree.FunctionLike, (id) => s.variableOf(id)) ? given : null;
      this.recordEvent({ k: "callLocal", node, callee: local, ...(local ? {} : { summary: imported!.summary! }), ...(callback ? { callback } : {}), args: allArgs, result });
      return;
    }
    // A vtable method is native code too (`usedOnly` is its object): by COM's rule for in-parameters it
    // AddRefs what it keeps, so pointers passed to it stay the caller's (`vcall(ctx, SET_SHADER, [], [vs])`).
    // (A constructor is JavaScript: `new GpuArray(buffer)` keeps what it is given; Deno's views and function pointers are native.)
    // So is the method a vtable lookup returned (`blobMethod(blob, SLOT)(blob)`, Deno's `lookup(p, 0, def).call(p, iid, out)`).
    const ffi = this.recognizer.ffi;
    const lookup = node.type === "CallExpression" ? resultCalledBy(node) : null;
    const native =
      usedOnly !== null ||
      (node.type === "CallExpression" && ((ffi?.keepsNothing(node.callee) ?? false) || (lookup !== null && (this.classify(lookup)?.kind ?? "failedTest") !== "failedTest"))) ||
      (argSyms.length > 0 && (ffi?.isDenoNativeCall(node) ?? false));
    for (const { sym, key, pooledIn } of argSyms) this.recordEvent({ k: "escape", target: sym, targetKey: key, ...(native ? { native } : {}), ...(pooledIn ? { pooledIn } : {}) });
  }
}

/**
 * The function given for the parameter (`index`) whose call's result a wrapper returns (helper-shapes.ts
 * `returnsCallbackResult`): written in place, or a function of the file by its name (`withBstr(ns, connect)`).
 */
function callbackGiven(index: number | null, args: TSESTree.CallExpressionArgument[], localFunction: (id: Node) => Node | null): Node | null {
  const arg = index === null ? undefined : args[index];
  const fn = arg?.type === "Identifier" ? localFunction(arg) : arg;
  return fn && isFunctionNode(fn) ? fn : null;
}

/** Does some `return` of the function name a variable another function declares (not a global or an import)? */
function returnsOuterVariable(fn: TSESTree.FunctionLike, variableOf: (id: TSESTree.Identifier) => Scope.Variable | null): boolean {
  let outer = false;
  for (const value of returnedValues(fn)) {
    if (value)
      walk(value, (node) => {
        if (outer || node.type !== "Identifier" || isPropertyName(node)) return;
        const home = variableOf(node)?.scope.variableScope;
        outer = !!home && home.block !== (fn as unknown) && home.type !== "module" && home.type !== "global";
      });
  }
  return outer;
}
