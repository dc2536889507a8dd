/**
 * The raw FFI shapes of spec section 2a, recognised with no configuration:
 * calls through a vtable (shape 6), natives that keep nothing they are given,
 * and, through `boxes`, out-parameter boxes (shape 7).
 *
 * A vtable call names its COM object and its method in the code itself:
 * `vcall(p, IUNKNOWN_RELEASE, [], [])` (a dispatcher: object, then slot),
 * `koffi.call(slot(p, 2), proto, p)`, `vt.Release(p)`, `lib.symbols.Release(p)`.
 * The slot is a constant whose name says the method (`IUNKNOWN_RELEASE`,
 * `V.Release`, `..._BEGIN_GETPRICE`), or a number (0 QueryInterface, 1 AddRef,
 * 2 Release) confirmed by a prototype argument naming the same method or by
 * a dispatcher of this file that indexes the vtable with it.
 *
 * The file's out boxes (shape 7) are out-boxes.ts's (`boxes`).
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, constantValue, declaredFunctionName, dottedName, sameExpression, slotAtByteOffset, memberName, numericLiteral, unwrapExpression } from "./ast";
import { ComEvidence } from "./com-evidence";
import { ExportResults } from "./export-results";
import { argumentAfterIid } from "./interface-ids";
import { denoVtableSlot, isDenoNativeCall } from "./deno-calls";
import { isKoffi } from "./out-box-shapes";
import { isKoffiDeclared, isNativeExport, keepsNothing } from "./native-calls";
import { OutBoxes } from "./out-boxes";
import { MethodLookups } from "./method-lookups";
import { handsOnItsObject, releasesAnotherParameter } from "./helper-shapes";
import { isSlotConstantName, isSlotLookup, isTableCall, VTABLE_OBJECT, VtableTables } from "./vtable-tables";
import type { ApiCall } from "./recognizer";
import type { IUnknownMethod, Vocabulary } from "./vocabulary";
import type { HelperRole } from "./model";

type Node = TSESTree.Node;
type Expression = TSESTree.Expression;

export type SlotMethod = { role: IUnknownMethod | "cancel" | "createCall" } | { role: "begin" | "finish"; method: string } | { role: "other" };

export interface VtableCall {
  /** The COM object the method is called on. */
  object: Expression;
  method: SlotMethod;
  /** The arguments after the object and slot (what the method itself receives). */
  rest: TSESTree.CallExpressionArgument[];
  /** Of a call through a variable holding a lookup (`create(factory, FORMAT, out)`): the lookup's slot, which names the method. */
  slot?: TSESTree.CallExpressionArgument;
}

/** What the file tells about a name: its initializer, and whether a local function indexes a vtable with its slot parameter. */
export interface FfiLookups {
  initOf(node: Node): Node | null;
  /** Does this identifier name a parameter of a function (what the caller gives; a box to read, for a release helper)? */
  isParameter(node: Node): boolean;
  /** Every identifier that refers to the same variable as `node` (itself included). */
  referencesOf(node: TSESTree.Identifier): TSESTree.Identifier[];
  isLocalDispatcher(callee: Node): boolean;
  /** The function of this file a callee names, if any. */
  localFunction(callee: Node): Node | null;
  /** What a helper imported from the repository's other modules is (imported-roles.ts), or null. */
  importedRole(callee: Node): HelperRole | null;
  /** The parameter a wrapper runs at once and returns the result of (`withBstr(value, fn)`), or null. */
  wrapperCallbackIndex(callee: Node): number | null;
}

export class FfiShapes {
  private readonly tables: VtableTables;
  private readonly evidence: ComEvidence;
  private readonly exportResults: ExportResults;
  /** The file's out boxes: which variable holds one, how it is passed and read (out-boxes.ts). */
  readonly boxes: OutBoxes;
  /** Methods looked up in a vtable and called later, or called at once (method-lookups.ts). */
  readonly methods: MethodLookups;

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly lookups: FfiLookups,
  ) {
    this.boxes = new OutBoxes(lookups);
    this.methods = new MethodLookups(lookups, (call) => this.vtableCall(call));
    this.evidence = new ComEvidence(vocabulary, lookups, this);
    this.exportResults = new ExportResults(vocabulary, lookups, this, this.evidence, (name) => isKoffiDeclared(name, lookups));
    this.tables = new VtableTables(vocabulary, lookups);
  }

  /**
   * A call through a vtable, or null. `converted`: a dispatcher's object may be a conversion of it (`vcall(BigInt(p), SLOT)`);
   * only messages ask so, recording keeps such a call a use of `p` handed on.
   */
  vtableCall(call: TSESTree.CallExpression, converted = false): VtableCall | null {
    const callee = unwrapExpression(call.callee);
    const args = call.arguments;
    // Deno's inline `new Deno.UnsafeFnPointer(vt.getPointer(2 * 8), def).call(p)`: looked up in `p`'s own vtable, an
    // IUnknown slot's number is its method (Release and AddRef with nothing after `p`).
    const deno = denoVtableSlot(call, this.lookups);
    if (deno) {
      const number = typeof deno.slot === "number" ? deno.slot : numericLiteral(deno.slot as TSESTree.Expression);
      const iunknown = number !== null ? this.vocabulary.iunknownSlot(number) : null;
      const method = typeof deno.slot === "number" ? null : this.slotOf(deno.slot as TSESTree.Expression, []);
      return { object: deno.object, method: method ?? (iunknown && (iunknown === "queryInterface" || args.length === 1) ? { role: iunknown } : { role: "other" }), rest: args.slice(1) };
    }
    const name = calleeName(callee);
    if (callee.type === "MemberExpression" && name !== null) {
      const receiver = dottedName(callee.object);
      // `vt.Release(p)`, `lpVtbl.QueryInterface(p, iid, out)`, `lib.symbols.Release(p)`: the object comes first.
      const byName = this.methodByName(name);
      const first = args[0];
      if (byName && first && isObjectExpression(first) && receiver !== null) {
        // A vtable table's function (`vt`, `lpVtbl`, `lib.symbols`), or a QueryInterface given the object, IID and box.
        if (VTABLE_OBJECT.test(receiver) || (byName.role === "queryInterface" && args.length >= 3)) return { object: first, method: byName, rest: args.slice(1) };
      }
      // Any function of a table linked from one object's vtable (`dev.symbols.Poll(devAddress)`): a method of that object.
      if (!byName && first && isObjectExpression(first) && this.isVtableTable(callee.object)) return { object: first, method: { role: "other" }, rest: args.slice(1) };
      // koffi: `koffi.call(fn, proto, p, ...)` where `fn` is `slot(p, N)` (or a constant holding it) or the proto names the method.
      if (name === "call" && args.length >= 3 && args[2].type !== "SpreadElement") {
        const inner = constantValue(args[0], (id) => this.lookups.initOf(id));
        const object = args[2];
        // The object as the lookup is given it, whatever cast the call passes it through (`koffi.as(p, 'void *')`).
        const self = this.unconverted(object);
        const proto = this.methodOfConstant(args[1]);
        if (inner.type === "CallExpression" && inner.arguments.length >= 2) {
          // Looked up in `p`'s own vtable and called on `p`, an IUnknown slot's number is witness enough when no
          // prototype names the method (`koffi.call(vtableSlot(p, 2), ReleaseProto, p)`).
          // (AddRef and Release take nothing after the object: an interface that is no IUnknown, XAudio2's voices, has
          // another method at slot 2, `SetEffectChain(voice, chain)`.)
          // koffi's own read of the vtable takes a byte offset (`koffi.decode(vtbl, 2 * 8, 'void *')`: slot 2); a helper, the slot.
          // (Not a read of the object itself: `koffi.decode(p, 16, 'void *')` is a field of `p`, not of its vtable.)
          const at = isKoffiRead(inner) ? (sameExpression(inner.arguments[0], self) ? null : slotAtByteOffset(inner.arguments[1])) : inner.arguments[1];
          const number = !proto && at !== null && this.isOwnVtable(inner.arguments[0], self) ? (typeof at === "number" ? at : numericLiteral(at as TSESTree.CallExpressionArgument)) : null;
          const iunknown = number !== null ? this.vocabulary.iunknownSlot(number) : null;
          const role = iunknown === "queryInterface" || args.length === 3 ? iunknown : null;
          const slot = (at !== null && typeof at !== "number" ? this.slotOf(at as Expression, [args[1]]) : null) ?? (role ? { role } : null);
          if (slot) return { object, method: slot, rest: args.slice(3) };
        }
        if (proto) return { object, method: proto, rest: args.slice(3) };
        // `koffi.call(dVtbl.Release, R_t, dev)`: a function of a vtable decoded into a struct, by its field's name.
        if (this.isDecodedStructCall(call)) {
          const field = memberName(inner as TSESTree.MemberExpression);
          return field === null ? null : { object, method: this.methodByName(field) ?? { role: "other" }, rest: args.slice(3) };
        }
        // `koffi.call(slot(p, 3), GetCountProto, p, out)`: the function looked up in `p`'s own vtable, called on `p`.
        if (inner.type === "CallExpression" && this.isOwnVtable(inner.arguments[0], self)) return { object, method: { role: "other" }, rest: args.slice(3) };
        return null;
      }
    }
    // A dispatcher: `vcall(p, SLOT, ...)`, `this._vcall(p, 2, this.P.Release)`, named so (`call`, `invoke`,
    // `vtable`, `method`) or a function of this file that indexes a vtable with its slot parameter.
    // (Deno's `fn.call(p, flags)` of an `UnsafeFnPointer` calls one method: its arguments after `p` are no slot.)
    if (args.length >= 2 && args[0].type !== "SpreadElement" && this.looksLikeDispatcher(callee) && !isSlotLookup(call) && !this.isDenoNativeCall(call)) {
      const object = unwrapExpression(converted ? this.unconverted(args[0]) : args[0]);
      // The object by name, or read from its box at each call (`call(ptr(link), RELEASE)`: `ptr` reads `link[0]`).
      if (object.type !== "Identifier" && object.type !== "MemberExpression" && !this.boxes.readBox(object)) return null;
      // A dispatcher of this file indexes the vtable whatever its slot argument is (`vcall(p, slot, ...)` in a helper).
      const slot = this.slotOf(args[1], args.slice(2), callee) ?? (this.lookups.isLocalDispatcher(callee) ? ({ role: "other" } as const) : null);
      if (slot) return { object: args[0], method: slot, rest: args.slice(2) };
    }
    return this.methods.calledThroughVariable(call);
  }

  /** The pointer an argument converts (`koffi.as(p, 'void *')`, `Number(p)`, the file's `asVoidPointer(p)`), or the argument itself. */
  unconverted<T extends TSESTree.CallExpressionArgument>(arg: T): T {
    let pointer: Node = arg;
    for (let expr = unwrapExpression(arg as Node), operand; (expr.type === "CallExpression" || expr.type === "NewExpression") && (operand = this.boxes.convertedOperand(expr)); expr = unwrapExpression(operand)) pointer = operand;
    return pointer as T;
  }

  /**
   * Is `lookedUpIn`, the first argument of a slot lookup, the object `object` itself or its vtable read once into a
   * constant (`const vtbl = koffi.decode(p, 'void *')`, then `koffi.call(slot(vtbl, 20), proto, p, ...)`)?
   */
  private isOwnVtable(lookedUpIn: TSESTree.CallExpressionArgument | undefined, object: TSESTree.CallExpressionArgument): boolean {
    if (!lookedUpIn || lookedUpIn.type === "SpreadElement") return false;
    if (sameExpression(lookedUpIn, object)) return true;
    const table = unwrapExpression(lookedUpIn);
    const init = table.type === "Identifier" ? this.lookups.initOf(table) : null;
    const read = init ? unwrapExpression(init) : null;
    if (read?.type !== "CallExpression" || !isKoffiRead(read)) return false;
    const declaration = read.parent?.parent;
    // (`koffi.decode(p, 'void *')`, or at offset 0: `koffi.decode(p, 0, 'void *')`.)
    const atStart = read.arguments.length === 2 || (read.arguments.length === 3 && numericLiteral(read.arguments[1]) === 0);
    return declaration?.type === "VariableDeclaration" && declaration.kind === "const" && atStart && sameExpression(read.arguments[0], object);
  }

  /** `vcall(ctx, SET_BLEND_STATE, [types], [blendState, 0n])`: the argument list of a vtable call or native export, native code's to use. */
  isNativeArgumentList(array: TSESTree.ArrayExpression): boolean {
    const call = array.parent;
    if (call?.type !== "CallExpression" || !call.arguments.includes(array)) return false;
    return this.vtableCall(call) !== null || this.isNativeExport(call.callee);
  }

  /**
   * The box COM's out pointer is written to when the call also takes other boxes: the one right after the IID it is
   * asked for (`REFIID riid, void **ppv`: `SHBindToParent(pidl, riid, ppv, ppidlLast)` fills `ppidlLast` with no
   * object); null when the argument after the IID is no box (`ActivateAudioInterfaceAsync(path, riid, params,
   * handler, ppOperation)`, whose handler is an object the code passes in).
   */
  boxAfterIid(args: readonly TSESTree.CallExpressionArgument[]): Expression | null {
    const next = argumentAfterIid(args);
    return next ? this.boxes.passedBox(next) : null;
  }

  /** Does this callee keep nothing it is given (native-calls.ts)? */
  keepsNothing(callee: Node): boolean {
    return keepsNothing(callee, this.lookups);
  }

  /**
   * Does this call keep nothing of its argument at `index`: native code (`keepsNothing`), or a vtable call given it as
   * its object (`comCall(object, 4, ...)`, `api` its classification: recording's `usedOnly`)?
   */
  keepsNothingOf(call: TSESTree.CallExpression, index: number, api: ApiCall | null): boolean {
    return this.keepsNothing(call.callee) || (api?.kind === "vtableUse" && api.object === call.arguments[index]);
  }

  /** A library's export (native-calls.ts). */
  isNativeExport(callee: Node): boolean {
    return isNativeExport(callee, this.lookups);
  }

  /** `koffi.call(dVtbl.Release, R_t, dev)`: a field of a struct named for a vtable (`dVtbl`, `deviceVtable`), called on an object. */
  private isDecodedStructCall(call: TSESTree.CallExpression): boolean {
    const callee = unwrapExpression(call.callee);
    const fn = call.arguments[0] ? unwrapExpression(call.arguments[0] as Node) : null;
    return callee.type === "MemberExpression" && memberName(callee) === "call" && isKoffi(callee.object) && call.arguments.length >= 3 && fn?.type === "MemberExpression" && /(?:vtbl|vtable)$/i.test(dottedName(fn.object)?.split(".").pop() ?? "");
  }

  /** Deno's own native calls (deno-calls.ts): what they are given stays the caller's. */
  isDenoNativeCall(node: TSESTree.CallExpression | TSESTree.NewExpression): boolean {
    return isDenoNativeCall(node, this.lookups);
  }

  private slotOf(slot: TSESTree.CallExpressionArgument, protos: readonly TSESTree.CallExpressionArgument[], dispatcher?: Node): SlotMethod | null {
    if (slot.type === "SpreadElement") return null;
    // A slot given by the method's name to a dispatcher of the file that looks slots up by name (`this.com(obj,
    // 'Release')` indexing `SLOT[name]`). Only in the slot's place (a string among the prototypes is a type, `"u32"`,
    // or a signature) and only for the file's own dispatchers (`ipc.invoke(channel, 'Release')` is no vtable call).
    const literal = unwrapExpression(slot);
    if (literal.type === "Literal" && typeof literal.value === "string") {
      return dispatcher && /^[A-Za-z_$][\w$]*$/.test(literal.value) && this.lookups.isLocalDispatcher(dispatcher) ? (this.methodByName(literal.value) ?? { role: "other" }) : null;
    }
    const named = this.methodOfConstant(slot);
    if (named) return named;
    const number = numericLiteral(slot);
    if (number === null || !Number.isInteger(number) || number < 0) return null;
    // A bare number is a slot only with a second witness: a prototype naming the method, or a dispatcher that indexes a vtable.
    for (const proto of protos) {
      const byProto = this.methodOfConstant(proto);
      if (!byProto) continue;
      if (number <= 2) return byProto.role === this.vocabulary.iunknownSlot(number) ? byProto : null;
      // IUnknown's methods are at slots 0-2 of every vtable: another slot given one's prototype is some other method.
      return byProto.role === "queryInterface" || byProto.role === "addRef" || byProto.role === "release" ? { role: "other" } : byProto;
    }
    if (dispatcher && this.lookups.isLocalDispatcher(dispatcher)) {
      const role = this.vocabulary.iunknownSlot(number);
      return role ? { role } : { role: "other" };
    }
    return null;
  }

  /**
   * Is this variable, bound to a pointer, used as a COM object (directly, or converted and bound again)? The evidence
   * rule (com-evidence.ts): a pointer read from a box is tracked only when the file uses it as a COM object somewhere.
   */
  usedAsComObject(variable: TSESTree.Identifier): boolean {
    return this.evidence.boundIsComObject(variable);
  }

  /** Does the function use its parameter as a COM object (for importers' evidence)? */
  paramIsComObject(param: TSESTree.Identifier): boolean {
    return this.evidence.paramIsComObject(param);
  }

  holdsComObject(box: Expression): boolean {
    return this.evidence.holdsComObject(box);
  }

  readsAsPointer(box: Expression): boolean {
    return this.evidence.readsAsPointer(box);
  }

  /** A native export's own result that the caller owns (export-results.ts). */
  isOwnedExportResult(call: TSESTree.CallExpression): boolean {
    return this.exportResults.isOwned(call);
  }

  /** A call's result the file frees as memory and never uses as a COM object (com-evidence.ts). */
  isMemoryResult(call: TSESTree.CallExpression): boolean {
    return this.evidence.isMemoryResult(call);
  }

  /** Does another call of this call's acquirer fill a box the file uses as a COM object? (com-evidence.ts) */
  acquirerHoldsComObject(call: TSESTree.CallExpression, viaVtable: boolean): boolean {
    return this.evidence.acquirerHoldsComObject(call, viaVtable);
  }

  /** The calls whose boxes proved other boxes of their acquirer COM objects, by acquirer. */
  get evidenceCalls(): ReadonlyMap<string, TSESTree.CallExpression> {
    return this.evidence.evidenceCalls;
  }

  /**
   * A release function of this file, by its name: is it to be judged by its body alone (its summary, spec 2a shape 8),
   * because its body hands its object to no call (`function release(p) { if (p) log("gone") }`, or one whose Release
   * was deleted)? One that does keeps its name's meaning: a summary can be blind to how it releases (a table linked at
   * the call, a slot read at a byte offset). `each`: its only parameter gathers its arguments and it goes over them
   * (`comRelease(...objects)`), so it does to every argument what it does to the first.
   */
  releaseFunctionOfFile(callee: Node): { judgedByBody: boolean; each: boolean } | null {
    const fn = this.lookups.localFunction(callee) as TSESTree.FunctionLike | null;
    if (!fn || !("params" in fn) || !fn.body) return null;
    const handsOn = handsOnItsObject(fn);
    // (A registrar, `release(scope, p)` filing `p`'s Release with `scope`, hands `scope` on too: its body says what it does.)
    let registrar = this.registrars.get(fn);
    if (registrar === undefined) this.registrars.set(fn, (registrar = handsOn && releasesAnotherParameter(fn, (name) => this.vocabulary.isReleaseInEitherCase(name) || this.vocabulary.isReleaseFunction(name))));
    return { judgedByBody: !handsOn || registrar, each: handsOn && fn.params.length === 1 && fn.params[0].type === "RestElement" };
  }

  private readonly registrars = new Map<Node, boolean>();

  /** `vcall`, `callVtable`, a function of the file that indexes a vtable: a call of it names its method by a slot. */
  looksLikeDispatcher(callee: Node): boolean {
    const name = calleeName(callee);
    return (name !== null && /call|invoke|vt|vtbl|vtable|method/i.test(name)) || this.lookups.isLocalDispatcher(callee);
  }

  /** The method a constant's name says: `IUNKNOWN_RELEASE`, `V.Release`, `P_Release`, `SLOT.getResults` ("other"). */
  private methodOfConstant(node: TSESTree.CallExpressionArgument): SlotMethod | null {
    if (node.type === "SpreadElement") return null;
    const expr = unwrapExpression(node);
    const text = expr.type === "Identifier" ? expr.name : expr.type === "MemberExpression" ? dottedName(expr) : null;
    if (text === null) return null;
    // A prototype kept in a constant (`const RELEASE_PROTO = 'uint32 Release(void *self)'`) names the method it declares.
    // (One that declares no method of the protocol, `ReleaseFn`, leaves the constant's own name to say it: `ReleaseProto`.)
    const declared = expr.type === "Identifier" ? declaredFunctionName(this.lookups.initOf(expr)) : null;
    const byDeclaration = declared !== null ? this.methodByName(declared) : null;
    if (byDeclaration) return byDeclaration;
    const method = this.vocabulary.slotMethod(text);
    if (method) return method;
    // `SLOT.getResults`, `FACTORY_CREATEADAPTERLIST`: a named slot of some other method.
    if (expr.type === "MemberExpression" && /^(slot|slots|vt|vtbl|vtable|v|idx|index)$/i.test(dottedName(expr.object) ?? "")) return { role: "other" };
    // `CTX_DRAW`, or one exported by another module (`gpu.CTX_DRAW`).
    const constant = expr.type === "Identifier" ? expr.name : expr.type === "MemberExpression" && !expr.computed && expr.property.type === "Identifier" ? expr.property.name : null;
    if (constant !== null && isSlotConstantName(constant)) return { role: "other" };
    return null;
  }

  /**
   * `calls.symbols.Release(p)`, `vt.Release(p)`: a function of one object's own table (a vtable method by name, or any
   * function of a table linked from a vtable), whose form fits no other pointer; not `avi.symbols.AVIFileRelease(f)`,
   * an export of a library `dlopen` opened, which fits every pointer of its kind.
   */
  isObjectsOwnTableCall(call: TSESTree.CallExpression): boolean {
    // `koffi.call(dVtbl.Release, R_t, dev)`: the struct decoded from this object's vtable is its own; so is Deno's view of it.
    if (this.isDecodedStructCall(call) || denoVtableSlot(call, this.lookups)) return true;
    // `koffi.call(slot(vtbl, 2), proto, p)` with `const vtbl = koffi.decode(p, 'void *')`: so is the vtable read into `vtbl`.
    const [fn, , object] = call.arguments;
    const lookup = fn ? unwrapExpression(fn as Node) : null;
    const self = object ? this.unconverted(object) : null;
    if (lookup?.type === "CallExpression" && self && lookup.arguments[0] && !sameExpression(lookup.arguments[0], self) && this.isOwnVtable(lookup.arguments[0], self)) return true;
    if (!isTableCall(call)) return false;
    const callee = unwrapExpression(call.callee) as TSESTree.MemberExpression;
    const name = memberName(callee);
    return (name !== null && this.methodByName(name) !== null) || this.isVtableTable(callee.object);
  }

  /** Is this table (`dev.symbols`) linked from one object's vtable (vtable-tables.ts)? */
  private isVtableTable(table: Node): boolean {
    return this.tables.isVtableTable(table);
  }

  /** The Release function's name of a table linked from a vtable, or null (vtable-tables.ts). */
  linkedRelease(table: Node, evenClosed = false): string | null {
    return this.tables.linkedRelease(table, evenClosed);
  }

  private methodByName(name: string): SlotMethod | null {
    const v = this.vocabulary;
    if (v.isRelease(name)) return { role: "release" };
    if (v.isAddRef(name)) return { role: "addRef" };
    if (v.isQueryInterface(name)) return { role: "queryInterface" };
    if (v.isCancel(name)) return { role: "cancel" };
    if (v.isCreateCall(name)) return { role: "createCall" };
    const begun = v.beginMethod(name);
    if (begun !== null) return { role: "begin", method: begun };
    const finished = v.finishMethod(name);
    return finished !== null ? { role: "finish", method: finished } : null;
  }
}

/** `koffi.decode(...)`: koffi's read of memory. */
function isKoffiRead(node: TSESTree.Node): boolean {
  return node.type === "CallExpression" && node.callee.type === "MemberExpression" && memberName(node.callee) === "decode" && isKoffi(node.callee.object);
}

function isObjectExpression(node: TSESTree.CallExpressionArgument): node is Expression {
  const expr = node.type === "SpreadElement" ? null : unwrapExpression(node);
  return !!expr && (expr.type === "Identifier" || expr.type === "MemberExpression");
}
