/**
 * Classifies a call into a protocol event (begin, finish, cancel, acquire,
 * release, AddRef, an HRESULT test), by the vocabulary's names and, when the
 * parser provides a TypeScript program, by type. Nothing here tracks state:
 * that is the engine's job.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import type { ParserServices } from "@typescript-eslint/utils";
import { calleeName, dottedName, memberName, sameExpression, unwrapExpression } from "./ast";
import { callOf, passedArguments, resultCalledBy } from "./ast-functions";
import { FfiShapes, VtableCall } from "./ffi";
import type { FfiLookups } from "./ffi";
import { releasedResult } from "./released-results";
import { isTableCall } from "./vtable-tables";
import { mentionsCancelInterface, mentionsIid } from "./interface-ids";
import { TypeInfo } from "./type-info";
import { CREATING_EXPORTS, createsVoice, namesCreatingMethod } from "./creating-calls";
import type { Vocabulary } from "./vocabulary";
import type { AcquireFunction, QueryInterfaceArguments } from "../options";

export type ApiCall =
  /** `viaVtable`: through the object's vtable (`vcall(call, ..._BEGIN_X)`), which has no Finish_ method to call on it. */
  | { kind: "begin"; receiver: TSESTree.Expression; method: string; name: string; viaVtable?: boolean }
  | { kind: "finish"; receiver: TSESTree.Expression; method: string; name: string }
  | { kind: "cancel"; receiver: TSESTree.Expression }
  /** `alsoReleases`: the other arguments of a release function of the file that goes over them all (`comRelease(a, b)`). */
  | { kind: "release"; target: TSESTree.Expression; viaFunction: boolean; alsoReleases?: TSESTree.Expression[] }
  | { kind: "addRef"; target: TSESTree.Expression }
  | {
      kind: "acquire";
      /** The object queried (QueryInterface receiver, acquire function source), if any. */
      source: TSESTree.Expression | null;
      /** The out-parameter box of the raw HRESULT shape, if any. */
      outBox: TSESTree.Expression | null;
      /** Raw FFI: the call's other boxes that hold COM objects (`D3DCompile`'s code and error blobs, `D3D11CreateDevice`'s device and context). */
      extraBoxes?: TSESTree.Expression[];
      isCancelInterface: boolean;
      isCallFactory: boolean;
      /** The result may be a failure value (null, 0n) the caller must test. */
      nullable: boolean;
      /** The acquisition reports failure through an HRESULT result. */
      returnsHresult: boolean;
      /** Raw FFI (a vtable call or export filling a box): owned unless its HRESULT is seen to fail; never "unchecked". */
      ffi: boolean;
      /** The acquiring call's own name, for messages (`QueryInterface`, `CoCreateInstance`, `FACTORY_CREATEADAPTERLIST`). */
      acquirer: string;
      /** Raw FFI: the box may hold null after a success; the pointer is owned from the box's read on. */
      ownedFromRead?: boolean;
    }
  /** A vtable call of some other method: a use of its object (never an escape). */
  | { kind: "vtableUse"; object: TSESTree.Expression }
  | { kind: "failedTest"; argument: TSESTree.Node; failed: boolean };

export class Recognizer {
  readonly types: TypeInfo;
  /** The raw FFI shapes; set by the file analysis, which owns the scope lookups they need. */
  ffi: FfiShapes | null = null;
  /** The file's scope lookups (symbols.ts) and text, set with `ffi`. */
  lookups: FfiLookups | null = null;
  sourceText = "";

  constructor(
    readonly vocabulary: Vocabulary,
    services: Partial<ParserServices> | undefined,
  ) {
    this.types = new TypeInfo(vocabulary, services);
  }

  get typed(): boolean {
    return this.types.typed;
  }

  classify(call: TSESTree.CallExpression): ApiCall | null {
    const shaped = this.classifyNamed(call);
    if (shaped || !this.ffi) return shaped;
    const vtable = this.ffi.vtableCall(call);
    if (vtable) return this.classifyVtable(call, this.calledAtOnce(call, vtable));
    // Calling what such a lookup returned is the lookup's event (`calledAtOnce`), not a second one.
    const inner = resultCalledBy(call);
    if (inner && this.ffi.vtableCall(inner)) return null;
    // `ptr(box)` (bun:ffi) is the box's address handed to the call around it, not a call that fills it.
    if (this.ffi.boxes.passedBox(call) !== null) return null;
    // An export that fills a box (`CoCreateInstance(..., out)`), when the file uses what it reads as a COM object.
    const boxes = this.ffi.boxes.boxArguments(call.arguments);
    // COM's `REFIID riid, void **ppv`: the box right after the IID the call is given (`SHBindToParent(pidl, riid, ppv,
    // ppidlLast)`), unless the file uses the last box as a COM object and not that one (`D2D1CreateFactory(type, riid,
    // options, ppFactory)` is given an options struct there); else the last box (out-parameters follow the in-parameters).
    const afterIid = boxes.length > 1 ? this.ffi.boxAfterIid(call.arguments) : null;
    const last = boxes[boxes.length - 1];
    const box = afterIid && (this.ffi.holdsComObject(afterIid) || !this.ffi.holdsComObject(last)) ? afterIid : last;
    // The creating exports of spec 3a acquire whatever the file does with the pointer.
    const name = calleeName(call.callee);
    // `read.ptr(box.ptr, 0)` reads the box; it fills nothing.
    // `releaseComPtr(box)` reads what the box holds (and releases it: its summary says); it fills nothing.
    if (!box) return this.ffi.isOwnedExportResult(call) ? this.exportResultAcquire(name ?? "the call") : null;
    if (this.ffi.boxes.readBox(call) || this.ffi.boxes.takesFilledBox(call, box)) return null;
    const creates = (name !== null && CREATING_EXPORTS.has(name)) || mentionsIid(call.arguments);
    // The acquirer's other calls are asked last: for a call whose own box proves nothing.
    if (creates || this.ffi.holdsComObject(box) || this.ffi.acquirerHoldsComObject(call, false)) return this.withExtraBoxes(this.ffiAcquire(null, box, false, name ?? "the call", !creates), boxes);
    // Another box of the call holds a COM object: the last one read as a pointer is filled with one too.
    const other = this.comBoxes(boxes).pop();
    return other ? this.withExtraBoxes(this.ffiAcquire(null, other, false, name ?? "the call", true), boxes) : null;
  }

  /**
   * A method looked up bound to its object and called at once (`method(obj, 0, sig)(ptr(iid), ptr(out))`): the lookup is
   * the method's call (as `comMethod(p, 2, proto)(p)`), with the arguments it is called with (the object's own excepted).
   */
  private calledAtOnce(call: TSESTree.CallExpression, vtable: VtableCall): VtableCall {
    const outer = callOf(call);
    const args = outer ? passedArguments(outer) : [];
    if (args.length === 0) return vtable;
    const own = sameExpression(args[0], vtable.object) ? 1 : 0;
    return { ...vtable, rest: [...vtable.rest, ...args.slice(own)] };
  }

  private classifyVtable(call: TSESTree.CallExpression, vtable: VtableCall): ApiCall | null {
    const { object, method, rest } = vtable;
    const ffi = this.ffi!;
    // A lookup whose method is called later through a variable is no call of the method itself.
    if (ffi.methods.isBoundLookup(call)) return { kind: "vtableUse", object };
    // The slot's name: a dispatcher's slot argument, or the function's own name in a table (`dev.symbols.CreateDevice`).
    const slotArgument = vtable.slot ?? (!isTableCall(call) ? call.arguments[1] : undefined);
    const slotText = slotArgument && slotArgument.type !== "SpreadElement" ? (dottedName(slotArgument) ?? calleeName(call.callee)) : calleeName(call.callee);
    switch (method.role) {
      case "release":
        return { kind: "release", target: object, viaFunction: true };
      case "addRef":
        return { kind: "addRef", target: object };
      case "cancel":
        return { kind: "cancel", receiver: object };
      case "begin":
        return { kind: "begin", receiver: object, method: method.method, name: this.vocabulary.beginName(method.method), viaVtable: true };
      case "finish":
        return { kind: "finish", receiver: object, method: method.method, name: this.vocabulary.finishName(method.method) };
      case "queryInterface":
      case "createCall": {
        const box = ffi.boxes.boxArgument(rest);
        if (!box) return { kind: "vtableUse", object };
        const isCancel = method.role === "queryInterface" && rest.some((a) => mentionsCancelInterface(a, this.vocabulary));
        return { ...this.ffiAcquire(object, box, method.role === "createCall", slotText ?? this.vocabulary.queryInterfaceMethod), isCancelInterface: isCancel };
      }
      case "other": {
        if (slotText !== null && createsVoice(slotText)) return { kind: "vtableUse", object };
        const boxes = ffi.boxes.boxArguments(rest);
        const box = boxes[boxes.length - 1];
        const creates = (slotText !== null && namesCreatingMethod(slotText)) || mentionsIid(rest);
        if (box && (creates || ffi.holdsComObject(box) || ffi.acquirerHoldsComObject(call, true))) return this.withExtraBoxes(this.ffiAcquire(object, box, false, slotText ?? "the call", !creates), boxes);
        return { kind: "vtableUse", object };
      }
    }
  }

  /**
   * `ownedFromRead`: the call may succeed without an object (`ReadSample` at the end of the stream
   * writes null), so the pointer is owned from the box's read on (spec 2a). A creating call (a
   * creating export, a Create/Activate or QueryInterface slot, one given an IID) writes an object
   * whenever it succeeds: owned from its success.
   */
  private ffiAcquire(source: TSESTree.Expression | null, outBox: TSESTree.Expression, isCallFactory: boolean, acquirer: string, ownedFromRead = false): Extract<ApiCall, { kind: "acquire" }> {
    return { kind: "acquire", source, outBox, isCancelInterface: false, isCallFactory, nullable: false, returnsHresult: true, ffi: true, acquirer, ownedFromRead };
  }

  /**
   * A native export that returns its object (`BigInt(Shlwapi.SHCreateMemStream(null, 0))`): a null result is its failure,
   * tested or not (raw, never "unchecked").
   */
  private exportResultAcquire(acquirer: string): Extract<ApiCall, { kind: "acquire" }> {
    return { kind: "acquire", source: null, outBox: null, isCancelInterface: false, isCallFactory: false, nullable: true, returnsHresult: false, ffi: true, acquirer };
  }

  /**
   * A call filling several boxes acquires from each that the file uses as a COM object (the
   * evidence rule, box by box): `D3DCompile(..., ppCode, ppErr)` fills a code and an error blob.
   */
  private withExtraBoxes(api: Extract<ApiCall, { kind: "acquire" }>, boxes: readonly TSESTree.Expression[]): Extract<ApiCall, { kind: "acquire" }> {
    const extra = this.comBoxes(boxes).filter((box) => box !== api.outBox);
    return extra.length > 0 ? { ...api, extraBoxes: extra } : api;
  }

  /** The boxes of one call the file uses as COM objects, and, when it uses one so, the others it reads as pointers. */
  private comBoxes(boxes: readonly TSESTree.Expression[]): TSESTree.Expression[] {
    const ffi = this.ffi!;
    const used = boxes.filter((box) => ffi.holdsComObject(box));
    return used.length === 0 ? [] : boxes.filter((box) => used.includes(box) || ffi.readsAsPointer(box));
  }

  /** The method shape (spec section 2): names on a receiver, release functions, HRESULT macros, configured acquire functions. */
  private classifyNamed(call: TSESTree.CallExpression): ApiCall | null {
    const v = this.vocabulary;
    const callee = unwrapExpression(call.callee);
    if (callee.type === "MemberExpression") {
      const name = memberName(callee);
      if (name === null) return null;
      const receiver = callee.object as TSESTree.Expression;
      // `ns.createInstance(...)`: an acquire function named by its member path in the options.
      const qualified = dottedName(callee);
      const configured = qualified !== null ? v.acquireFunction(qualified) : undefined;
      if (configured) return this.configuredAcquire(call, configured, qualified!);
      const begun = v.beginMethod(name);
      if (begun !== null) return this.types.isComReceiver(receiver) ? { kind: "begin", receiver, method: begun, name } : null;
      const finished = v.finishMethod(name);
      if (finished !== null) return this.types.isComReceiver(receiver) ? { kind: "finish", receiver, method: finished, name } : null;
      if (v.isQueryInterface(name)) return this.classifyQueryInterface(call, receiver);
      if (v.isCreateCall(name)) {
        if (!this.types.isComReceiver(receiver)) return null;
        return {
          kind: "acquire",
          source: null,
          outBox: call.arguments.length >= 4 ? (call.arguments[call.arguments.length - 1] as TSESTree.Expression) : null,
          isCancelInterface: false,
          isCallFactory: true,
          nullable: this.types.resultIsNullable(call),
          returnsHresult: call.arguments.length >= 4,
          ffi: false,
          acquirer: name,
        };
      }
      if (v.isRelease(name) && call.arguments.length === 0) return { kind: "release", target: receiver, viaFunction: false };
      if (v.isAddRef(name) && call.arguments.length === 0) return { kind: "addRef", target: receiver };
      if (v.isCancel(name)) return { kind: "cancel", receiver };
      // `gpu.comRelease(p)`: a release function reached through its module or namespace.
      if (call.arguments.length >= 1 && (v.isReleaseFunction(name) || v.endsInRelease(name) || (qualified !== null && v.isReleaseFunction(qualified))) && call.arguments[0].type !== "SpreadElement") {
        // One of a table of the file's own functions (`const com = { release(p) {...} }`) is what its body does, as a function's.
        if (this.ffi?.releaseFunctionOfFile(callee)?.judgedByBody) return null;
        return { kind: "release", target: call.arguments[0] as TSESTree.Expression, viaFunction: true };
      }
      return this.lookups ? releasedResult(call, this.vocabulary, this.types, this.lookups, this.sourceText) : null;
    }
    if (callee.type === "Identifier") {
      const name = callee.name;
      // A release function of this file that hands its object to no call is what its body does (ffi.releaseFunctionOfFile).
      if ((v.isReleaseFunction(name) || v.endsInRelease(name)) && call.arguments.length >= 1 && call.arguments[0].type !== "SpreadElement") {
        const local = this.ffi?.releaseFunctionOfFile(callee) ?? null;
        const [target, ...others] = call.arguments as TSESTree.Expression[];
        if (local?.judgedByBody) return null;
        const alsoReleases = local?.each && others.length > 0 && others.every((a) => (a.type as string) !== "SpreadElement") ? others : undefined;
        return alsoReleases ? { kind: "release", target, viaFunction: true, alsoReleases } : { kind: "release", target, viaFunction: true };
      }
      if (call.arguments.length === 1 && (v.isFailedMacro(name) || v.isSucceededMacro(name))) {
        return { kind: "failedTest", argument: call.arguments[0], failed: v.isFailedMacro(name) };
      }
      const acquire = v.acquireFunction(name);
      if (acquire) return this.configuredAcquire(call, acquire, name);
      // `CoCreateInstance(CLSID_ShellLink, IShellLinkW)` of a typed wrapper (comtypes-style): called without
      // its out box, a creating export returns the pointer and throws on failure (spec 3a).
      const outIndex = CREATING_EXPORTS.get(name);
      if (outIndex !== undefined && call.arguments.length >= 1 && call.arguments.length < outIndex) {
        return { kind: "acquire", source: null, outBox: null, isCancelInterface: false, isCallFactory: false, nullable: false, returnsHresult: false, ffi: false, acquirer: name };
      }
    }
    return null;
  }

  /**
   * A call of an acquire function the options name (spec shapes 4 and 10): the pointer is its result,
   * or the out box at `outArgument` (its result is then an HRESULT); `throws` never returns without one.
   * A call that lacks the configured box is not this function's acquiring form.
   */
  private configuredAcquire(call: TSESTree.CallExpression, acquire: AcquireFunction, name: string): ApiCall | null {
    const outBox = acquire.outArgument >= 0 ? this.outBoxAt(call, acquire.outArgument) : null;
    if (acquire.outArgument >= 0 && outBox === null) return null;
    const iid = argumentAt(call, acquire.iidArgument);
    const throws = acquire.failureValue === "throws";
    return {
      kind: "acquire",
      source: argumentAt(call, acquire.sourceArgument),
      outBox,
      isCancelInterface: iid ? this.namesCancelInterface(iid) : false,
      isCallFactory: false,
      nullable: outBox === null && !throws,
      returnsHresult: outBox !== null && !throws,
      ffi: false,
      acquirer: name,
    };
  }

  private classifyQueryInterface(call: TSESTree.CallExpression, receiver: TSESTree.Expression): ApiCall | null {
    const v = this.vocabulary;
    const name = calleeName(call.callee) ?? v.queryInterfaceMethod;
    const signature = v.queryInterfaceArguments(name);
    if (signature) return this.classifyConfiguredQueryInterface(call, receiver, signature, name);
    const iid = call.arguments[0];
    // Three arguments are a vtable table's QueryInterface(object, iid, out): the FFI shape's, not this one.
    if (!iid || iid.type === "SpreadElement" || call.arguments.length > 2) return null;
    if (this.isXpcomInterface(iid)) return null;
    const typeArgument = call.typeArguments?.params[0];
    const typeArgName = typeArgument && typeArgument.type === "TSTypeReference" && typeArgument.typeName.type === "Identifier" ? typeArgument.typeName.name : null;
    const looksCom = this.looksLikeComIid(iid) || (typeArgName !== null && v.iidPattern.test(typeArgName));
    if (!looksCom) {
      // An IID held in a variable: COM only when the receiver's type says so.
      if (!this.typed || !this.types.isComReceiver(receiver, true)) return null;
    } else if (!this.types.isComReceiver(receiver)) {
      return null;
    }
    const outBox = call.arguments.length >= 2 ? (call.arguments[1] as TSESTree.Expression) : null;
    return {
      kind: "acquire",
      source: receiver,
      outBox,
      isCancelInterface: this.namesCancelInterface(iid) || (typeArgName !== null && v.isCancelInterface(typeArgName)),
      isCallFactory: false,
      nullable: outBox === null && this.types.resultIsNullable(call),
      returnsHresult: outBox !== null,
      ffi: false,
      acquirer: name,
    };
  }

  /**
   * A QueryInterface method whose arguments the options place (`p.queryInterface(out, iid)`,
   * `com.QueryInterface(p, iid, out)`): named so by the user, it needs no IID-looking name. An object
   * passed as an argument is a raw pointer, which has no COM type to check; a receiver is checked as usual.
   */
  private classifyConfiguredQueryInterface(call: TSESTree.CallExpression, receiver: TSESTree.Expression, signature: QueryInterfaceArguments, name: string): ApiCall | null {
    const object = signature.objectArgument >= 0 ? argumentAt(call, signature.objectArgument) : receiver;
    const iid = argumentAt(call, signature.iidArgument);
    const outBox = signature.outArgument >= 0 ? this.outBoxAt(call, signature.outArgument) : null;
    if (!object || !iid || (signature.outArgument >= 0 && !outBox) || this.isXpcomInterface(iid)) return null;
    if (signature.objectArgument < 0 && !this.types.isComReceiver(receiver, true)) return null;
    return {
      kind: "acquire",
      source: object,
      outBox,
      isCancelInterface: this.namesCancelInterface(iid),
      isCallFactory: false,
      nullable: outBox === null && this.types.resultIsNullable(call),
      returnsHresult: outBox !== null,
      ffi: false,
      acquirer: name,
    };
  }

  /** The box a configured out argument names: the box itself for `box`, `box.ptr` and `ptr(box)` (shape 7). */
  private outBoxAt(call: TSESTree.CallExpression, index: number): TSESTree.Expression | null {
    const arg = argumentAt(call, index);
    if (!arg) return null;
    const passed = this.ffi?.boxes.passedBox(arg);
    if (passed) return passed;
    const expr = unwrapExpression(arg);
    if (expr.type === "MemberExpression" && memberName(expr) === "ptr") return expr.object;
    if (expr.type === "CallExpression" && calleeName(expr.callee) === "ptr" && expr.arguments[0] && expr.arguments[0].type !== "SpreadElement") return expr.arguments[0];
    return arg;
  }

  /** `Ci.nsIFoo`, `Components.interfaces.nsIFoo`, `Ci[name]`: XPCOM, garbage collected, no Release. */
  private isXpcomInterface(iid: TSESTree.Node): boolean {
    const v = this.vocabulary;
    const node = unwrapExpression(iid);
    if (node.type === "MemberExpression") {
      const root = dottedName(node.object);
      if (root && v.isXpcomRoot(root)) return true;
      const name = memberName(node);
      return name !== null && v.looksLikeXpcomInterface(name, true);
    }
    if (node.type === "Identifier") return v.looksLikeXpcomInterface(node.name, false);
    return false;
  }

  looksLikeComIid(iid: TSESTree.Node): boolean {
    const v = this.vocabulary;
    const node = unwrapExpression(iid);
    if (node.type === "Identifier") return v.iidPattern.test(node.name) || v.isCancelInterface(node.name);
    if (node.type === "MemberExpression") {
      const name = memberName(node);
      return name !== null && (v.iidPattern.test(name) || v.isCancelInterface(name));
    }
    if (node.type === "CallExpression") {
      const name = calleeName(node.callee);
      return name !== null && v.isIidHelper(name);
    }
    return false;
  }

  namesCancelInterface(iid: TSESTree.Node): boolean {
    const v = this.vocabulary;
    const node = unwrapExpression(iid);
    if (node.type === "Identifier") return v.isCancelInterface(node.name);
    if (node.type === "MemberExpression") {
      const name = memberName(node);
      return name !== null && v.isCancelInterface(name);
    }
    if (node.type === "CallExpression") {
      const name = calleeName(node.callee);
      const argument = node.arguments[0];
      return name !== null && v.isIidHelper(name) && !!argument && this.namesCancelInterface(argument);
    }
    return false;
  }

  /** `S_OK`, `NOERROR`, `0`: the success HRESULT. */
  isSuccessConstant(node: TSESTree.Node): boolean {
    const n = unwrapExpression(node);
    if (n.type === "Identifier") return this.vocabulary.isSuccessConstant(n.name);
    if (n.type === "MemberExpression") {
      const name = memberName(n);
      return name !== null && this.vocabulary.isSuccessConstant(name);
    }
    // `0` and `0n` (an HRESULT compared as a BigInt: `hr !== 0n`, `BigInt(hr) === 0n`).
    return n.type === "Literal" && (n.value === 0 || (n as { bigint?: string }).bigint === "0");
  }
}

/** The argument at `index` as an expression (none for -1, a missing argument or a spread). */
function argumentAt(call: TSESTree.CallExpression, index: number): TSESTree.Expression | null {
  const arg = index >= 0 ? call.arguments[index] : undefined;
  return arg && arg.type !== "SpreadElement" ? arg : null;
}
