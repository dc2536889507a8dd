/**
 * The evidence rule of spec 2a, shape 7: a pointer read from a box is tracked only when the file
 * uses it as a COM object somewhere (releases it, queries it, calls through its vtable, hands it to
 * a function of the file that does, or uses a property it is returned in as one). A HANDLE, an
 * HSTRING or a buffer read from a box is closed by other APIs and never tracked.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, dottedName, memberName, propertyNames, rootOf, unwrapExpression, walk, wrappedValue } from "./ast";
import { functionReturning } from "./ast-functions";
import type { FfiLookups, FfiShapes } from "./ffi";
import { isTableCall } from "./vtable-tables";
import type { Vocabulary } from "./vocabulary";

type Node = TSESTree.Node;
type Expression = TSESTree.Expression;

/** Release functions of memory, strings, handles and locks (`PTReleaseMemory`, `ReleaseDC`, `ReleaseMutex`): what they free is no COM object. */
const NOT_AN_OBJECT_RELEASE = /memory|mem$|string|bstr|handle|dc$|mutex|semaphore|lock|capture|stgmedium/i;

/** Does a function of this name free something that is no COM object (`SysFreeString`, `CoTaskMemFree`, `LocalFree`, `CloseHandle`, `ReleaseDC`)? */
function freesNoObject(name: string): boolean {
  return /free(?!z)/i.test(name) || (/release|close|delete|destroy/i.test(name) && NOT_AN_OBJECT_RELEASE.test(name));
}

/** The variable a value is bound to where it is made (`const p = value`, `p = value`), or null. */
export function boundTo(value: Node): Node | null {
  const parent = value.parent;
  return parent?.type === "VariableDeclarator" && parent.init === value ? parent.id : parent?.type === "AssignmentExpression" && parent.right === value ? parent.left : null;
}

export class ComEvidence {
  // One per file analysis: plain Maps, dropped with it, are cheaper to query than WeakMaps.
  private readonly evidence = new Map<Node, boolean>();
  private readonly paramEvidence = new Map<Node, boolean>();
  /** Of a parameter taken for a box: is what it holds used as a COM object (`releaseComPtr(pp)`)? */
  private readonly boxParamEvidence = new Map<Node, boolean>();
  private readonly resultEvidence = new Map<Node, boolean>();
  /** The file's property names, where it names them (built on the first read into an object literal). */
  private properties: ReturnType<typeof propertyNames> | undefined;
  private readonly propertyEvidence = new Map<string, boolean>();

  constructor(
    private readonly vocabulary: Vocabulary,
    private readonly lookups: FfiLookups,
    private readonly shapes: Pick<FfiShapes, "boxes" | "vtableCall" | "looksLikeDispatcher" | "releaseFunctionOfFile">,
  ) {}

  /** The file's calls by the function they call and by the slot they dispatch (built on the first question). */
  private callsByName: Map<string, TSESTree.CallExpression[]> | undefined;
  private readonly acquirerEvidence = new Map<string, TSESTree.CallExpression[]>();
  /**
   * By acquirer: the other call whose box proved the evidence. A fact of the file (FileAnalysis.fileFactSites): the
   * editor's partial re-lint keeps its statement, since a finding elsewhere depends on it.
   */
  readonly evidenceCalls = new Map<string, TSESTree.CallExpression>();

  /**
   * Does another call of the same acquirer (`AVIFileOpenW`, the slot `FACTORY_CREATEADAPTERLIST`), with the same
   * arguments and boxes, fill a box the file uses as a COM object? An API hands out the same kind of object at every
   * call: a script that releases the AVI file it opened for reading holds a COM object in the one it opened for
   * writing too, whatever it does with it.
   */
  acquirerHoldsComObject(call: TSESTree.CallExpression, viaVtable: boolean): boolean {
    const acquirer = this.acquirerOf(call, viaVtable);
    if (acquirer === null) return false;
    const boxes = this.shapes.boxes.boxArguments(call.arguments).length;
    const key = `${acquirer}/${call.arguments.length}/${boxes}`;
    // The calls of this acquirer and shape whose box the file uses as a COM object, whoever asks.
    let proving = this.acquirerEvidence.get(key);
    if (proving === undefined) {
      this.acquirerEvidence.set(key, []); // asked again while answering: nothing proven yet
      const calls = (this.callsByName ??= callsByName(rootOf(call))).get(acquirer) ?? [];
      proving = calls.filter((other) => {
        if (other.arguments.length !== call.arguments.length) return false;
        const otherBoxes = this.shapes.boxes.boxArguments(other.arguments);
        const last = otherBoxes[otherBoxes.length - 1];
        return otherBoxes.length === boxes && last !== undefined && this.holdsComObject(last);
      });
      this.acquirerEvidence.set(key, proving);
    }
    const evidence = proving.find((other) => other !== call);
    if (evidence && !this.evidenceCalls.has(key)) this.evidenceCalls.set(key, evidence);
    return evidence !== undefined;
  }

  /**
   * The name an acquirer goes by (the index `callsByName` keeps): an export or a function of a table by its own name
   * (`call AVIFileOpenW`, `call CreateX` of `dev.symbols.CreateX(p, ...)`), a dispatcher call by its slot constant
   * (`slot FACTORY_CREATEADAPTERLIST`). None for a dispatcher whose slot is a number or that the recognizer could not
   * read (`vcall(ctx, 9, ...)`): its calls are of different methods and prove nothing of each other.
   */
  private acquirerOf(call: TSESTree.CallExpression, viaVtable: boolean): string | null {
    if (!viaVtable || isTableCall(call)) {
      const name = calleeName(call.callee);
      return name === null || (!viaVtable && this.shapes.looksLikeDispatcher(call.callee)) ? null : `call ${name}`;
    }
    const slot = slotName(call);
    return slot === null ? null : `slot ${slot}`;
  }

  /** Does the file use what it reads from this box as a COM object? */
  holdsComObject(box: Expression): boolean {
    const init = box.type === "Identifier" ? this.lookups.initOf(box) : null;
    if (!init || box.type !== "Identifier") return false;
    let known = this.evidence.get(init);
    if (known === undefined) {
      this.evidence.set(init, false); // a read that leads back to the box itself proves nothing
      known = this.lookups.referencesOf(box).some((ref) => this.readIsComObject(ref));
      this.evidence.set(init, known);
    }
    return known;
  }

  /**
   * Is the box read as an unsigned 64-bit value (`box.readBigUInt64LE(0)`), the way a pointer is read? Of a call
   * that fills several boxes, one the file uses as a COM object, the other boxes read so are COM objects too
   * (`D3D11CreateDevice(..., ppDevice, pFeatureLevel, ppContext)`); a count or a level is read narrower.
   */
  readsAsPointer(box: Expression): boolean {
    if (box.type !== "Identifier") return false;
    return this.lookups.referencesOf(box).some((ref) => {
      const read = this.outermostRead(ref);
      if (read === ref || !this.shapes.boxes.readsWholePointer(read)) return false;
      // Bound to a variable used for nothing but COM (or nothing at all): a DEVMODE or a string the code reads memory
      // at (`ReadProcessMemory(..., addr, ...)`) is no object.
      const target = read.parent?.type === "VariableDeclarator" && read.parent.init === read ? read.parent.id : null;
      return target?.type === "Identifier" && this.lookups.referencesOf(target).every((r) => r === target || this.isComObjectUse(r));
    });
  }

  /** The outermost read of the box around this reference (`box[0]`, `Number(box[0])`, `box.readBigUInt64LE(0)`), or the reference itself. */
  private outermostRead(ref: TSESTree.Identifier): Node {
    // Five levels up for `Number(new DataView(box.buffer).getBigUint64(0, true))`.
    let read: Node = ref;
    let node: Node | undefined = ref.parent;
    for (let depth = 0; node && depth < 6; depth++, node = node.parent) {
      const found = this.shapes.boxes.readBox(node);
      if (found && unwrapExpression(found.box) === ref) read = node;
    }
    return read === ref ? read : this.converted(read);
  }

  /** A value with the conversions around it (`new Deno.UnsafePointer(Number(big))` of `big`): the same pointer. */
  converted(value: Node): Node {
    let node = value;
    for (let parent = wrappedValue(node).parent; parent && (parent.type === "CallExpression" || parent.type === "NewExpression"); parent = wrappedValue(node).parent) {
      const operand = this.shapes.boxes.convertedOperand(parent);
      if (!operand || unwrapExpression(operand) !== unwrapExpression(node)) break;
      node = parent;
    }
    return node;
  }

  /**
   * Is a variable a pointer was bound to used as a COM object: directly, or converted and bound again (`const big =
   * view.getBigUint64(0, true); const item = new Deno.UnsafePointer(Number(big)); vcall(item, ...)`)? The variable's
   * own uses and its conversions' count, as for the read itself.
   */
  boundIsComObject(target: TSESTree.Identifier, depth = 0): boolean {
    return this.lookups.referencesOf(target).some((r) => {
      if (r === target) return false;
      const value = this.converted(r);
      if (this.isComObjectUse(value) || this.isPropertyUsedAsComObject(value)) return true;
      // Only through a conversion: a plain copy (`newest = frame`) is another owner, whose uses say nothing of this one.
      const next = depth < 3 && value !== r ? boundTo(value) : null;
      return next?.type === "Identifier" && next !== target && this.boundIsComObject(next, depth + 1);
    });
  }

  private readIsComObject(ref: TSESTree.Identifier): boolean {
    let read = this.outermostRead(ref);
    const call = ref.parent;
    if (read === ref && call?.type === "CallExpression" && this.shapes.boxes.takesFilledBox(call, ref)) return this.givenBoxIsComObject(call, call.arguments.indexOf(ref));
    if (read === ref) {
      // `const [p] = box`: destructuring reads the box.
      const parent = ref.parent;
      if (parent?.type !== "VariableDeclarator" || parent.init !== ref || parent.id.type !== "ArrayPattern") return false;
      const first = parent.id.elements[0];
      return first?.type === "Identifier" && this.boundIsComObject(first);
    }
    if (this.isComObjectUse(read)) return true;
    if (this.isPropertyUsedAsComObject(read)) return true;
    // `const p = hr === 0 ? box.readBigUInt64LE(0) : 0n`, `box[0] ?? 0n`: the read is the value bound.
    while (read.parent && ((read.parent.type === "ConditionalExpression" && read.parent.test !== read) || read.parent.type === "LogicalExpression")) read = read.parent;
    // `return out[0]` in a helper of the file (`outPtr(obj, slot)`), or an arrow's body: the pointer is the function's result.
    const returning = functionReturning(read);
    if (returning) return this.resultIsComObject(returning);
    const target = boundTo(read);
    return target?.type === "Identifier" && this.boundIsComObject(target);
  }

  /**
   * `releaseComPtr(box)`: does the helper use what the box it is given holds as a COM object (of the file, by its body,
   * the parameter taken for a box; imported, when its summary releases it)?
   */
  private givenBoxIsComObject(call: TSESTree.CallExpression, index: number): boolean {
    const fn = this.lookups.localFunction(call.callee) as TSESTree.FunctionLike | null;
    const param = fn?.params[index];
    if (!fn) return this.lookups.importedRole(call.callee)?.summary?.releasesBoxed?.some((boxed) => boxed.param === index) === true;
    if (param?.type !== "Identifier") return false;
    let known = this.boxParamEvidence.get(param);
    if (known === undefined) {
      this.boxParamEvidence.set(param, false); // asked again while answering: nothing proven yet
      known = this.shapes.boxes.withAssumedBox(param, () => this.lookups.referencesOf(param).some((r) => r !== param && this.readIsComObject(r)));
      this.boxParamEvidence.set(param, known);
    }
    return known;
  }

  /**
   * Is a function's result a COM object: does every call of it in this file that uses the result use it as one
   * (`const child = outPtr(root, 7); vcall(child, ...)`, also through a helper that returns it again), or free it as
   * memory, a string or a handle instead (`SysFreeString(outPtr(item, GET_NAME))`, also in a function of the file)?
   * Those calls hand out no COM object (`isMemoryResult`: the spec's evidence is per value read); the others do. A
   * call reading a flag (`const enabled = getOut(el, IS_ENABLED)`) says the helper hands out whatever its slot holds,
   * so none of its calls is tracked.
   */
  private resultIsComObject(fn: TSESTree.FunctionLike | null): boolean {
    if (!fn) return false;
    let known = this.resultEvidence.get(fn);
    if (known === undefined) {
      this.resultEvidence.set(fn, false); // a result that leads back to this function proves nothing
      const name = functionName(fn);
      const wrapperCalls = this.wrapperCallsOf(fn);
      const calls = name === undefined ? wrapperCalls : [...((this.callsByName ??= callsByName(rootOf(fn))).get(`call ${name}`) ?? []).filter((call) => this.lookups.localFunction(call.callee) === fn), ...wrapperCalls];
      const perCall = calls.map((call) => this.resultUses(call));
      // A call whose result is freed as memory (an HSTRING of a WinRT getter) is no COM object's, and owes no Release
      // itself (`isMemoryResult`): the helper's other calls decide.
      known = perCall.some((uses) => uses.includes("object")) && perCall.every((uses) => uses.length === 0 || uses.every((u) => u === "stored") || uses.includes("object") !== uses.includes("freed"));
      this.resultEvidence.set(fn, known);
    }
    return known;
  }

  /**
   * The calls of wrappers (of the file, or imported) that run `fn` and return its result: given it written in place
   * (`withHString(name, (h) => ...)`) or by its name (`withBstr(ns, connect)`).
   */
  private wrapperCallsOf(fn: TSESTree.FunctionLike): TSESTree.CallExpression[] {
    const id = fn.type === "FunctionDeclaration" ? fn.id : fn.parent?.type === "VariableDeclarator" && fn.parent.id.type === "Identifier" ? fn.parent.id : null;
    const given = id ? this.lookups.referencesOf(id).filter((ref) => ref !== id) : [fn];
    return given.flatMap((value) => {
      const call = value.parent;
      return call?.type === "CallExpression" && call.arguments[this.lookups.wrapperCallbackIndex(call.callee) ?? -1] === value ? [call] : [];
    });
  }

  /** Is a call's result freed as memory, a string or a handle (`WindowsDeleteString(outPtr(s, 6))`), and never used as a COM object? */
  isMemoryResult(call: TSESTree.CallExpression): boolean {
    const uses = this.resultUses(call);
    return uses.includes("freed") && !uses.includes("object");
  }

  /** The file's calls of a function by its last name (`SHCreateMemStream` for `Shlwapi.SHCreateMemStream(...)`). */
  callsNamed(name: string, anywhere: Node): readonly TSESTree.CallExpression[] {
    return (this.callsByName ??= callsByName(rootOf(anywhere))).get(`call ${name}`) ?? [];
  }

  /** How a call's result is used: as a COM object, freed as something else, or neither (each use, through a variable it is bound to; none when it is dropped). */
  resultUses(call: TSESTree.CallExpression): ("object" | "freed" | "other" | "stored")[] {
    const use = (expr: Node): "object" | "freed" | "other" | "stored" => {
      const parent = expr.parent;
      if (parent?.type === "CallExpression" && parent.arguments[0] === expr && (freesNoObject(calleeName(parent.callee) ?? "") || this.freesFirstParameter(parent.callee))) return "freed";
      const returning = functionReturning(expr);
      if (returning) return this.resultIsComObject(returning) ? "object" : "other";
      // `this.device = defaultDevice(en)`: a field, which the file's uses of that property judge; one the file never uses
      // as a COM object says nothing against the helper's other calls.
      if (parent?.type === "AssignmentExpression" && parent.right === expr && parent.left.type === "MemberExpression") {
        const name = memberName(parent.left);
        return name !== null && this.propertyIsComObject(name, parent.left) ? "object" : "stored";
      }
      return this.isComObjectUse(expr) ? "object" : "other";
    };
    let result = wrappedValue(call);
    while (result.parent?.type === "AwaitExpression") result = wrappedValue(result.parent);
    const parent = result.parent;
    const target = boundTo(result);
    if (parent?.type === "ExpressionStatement") return [];
    if (target?.type !== "Identifier") return [use(result)];
    return this.lookups.referencesOf(target).filter((r) => r !== target).map(use);
  }

  /** `takeString(h)`, a function of the file that frees its first parameter as memory (`WindowsDeleteString(h)`). */
  private freesFirstParameter(callee: Node): boolean {
    const fn = this.lookups.localFunction(callee) as TSESTree.FunctionLike | null;
    const param = fn?.params[0];
    if (param?.type !== "Identifier") return false;
    let known = this.freedParams.get(param);
    if (known === undefined) {
      known = this.lookups.referencesOf(param).some((ref) => ref.parent?.type === "CallExpression" && ref.parent.arguments[0] === ref && freesNoObject(calleeName(ref.parent.callee) ?? ""));
      this.freedParams.set(param, known);
    }
    return known;
  }
  private readonly freedParams = new Map<Node, boolean>();

  /**
   * `return { device: box.readBigUInt64LE(0) }`, `const run = { vertexShader, ... }`: the pointer goes out as a property; it
   * is a COM object when the file uses that property as one (`comRelease(gpu.device)`, `releaseObject(run.vertexShader)`,
   * `const { device } = x; vcall(device, ...)`).
   */
  private isPropertyUsedAsComObject(value: Node): boolean {
    const property = value.parent;
    if (property?.type !== "Property" || property.value !== value || property.parent?.type !== "ObjectExpression" || property.computed || property.key.type !== "Identifier") return false;
    return this.propertyIsComObject(property.key.name, value);
  }

  /** Is the property `name` used as a COM object somewhere in the file (as a member, or destructured)? */
  private propertyIsComObject(name: string, from: Node): boolean {
    let known = this.propertyEvidence.get(name);
    if (known === undefined) {
      this.propertyEvidence.set(name, false);
      this.properties ??= propertyNames(rootOf(from));
      known = (this.properties.get(name) ?? []).some((node) => (node.type === "MemberExpression" ? this.isComObjectUse(node) : this.lookups.referencesOf(node).some((r) => r !== node && this.isComObjectUse(r))));
      this.propertyEvidence.set(name, known);
    }
    return known;
  }

  /** Is `expr` used as a COM object here: the object of a vtable call, released, queried, a protocol method's receiver? */
  private isComObjectUse(expr: Node): boolean {
    const parent = expr.parent;
    if (!parent) return false;
    if (parent.type === "MemberExpression" && parent.object === expr) {
      const name = memberName(parent);
      return name !== null && parent.parent?.type === "CallExpression" && parent.parent.callee === parent && this.vocabulary.isProtocolMethod(name);
    }
    if (parent.type !== "CallExpression") return false;
    const index = parent.arguments.indexOf(expr as TSESTree.CallExpressionArgument);
    if (index < 0) return false;
    const name = calleeName(parent.callee);
    if (name !== null && (this.vocabulary.isReleaseFunction(name) || (/release/i.test(name) && !NOT_AN_OBJECT_RELEASE.test(name))) && (index === 0 || this.shapes.releaseFunctionOfFile(parent.callee)?.each)) return true;
    const vtable = this.shapes.vtableCall(parent);
    if (vtable !== null) return vtable.object === expr;
    // `blobBufferPointer(blob)`, where that function of the file calls through its parameter's vtable (or an imported
    // one does: `com.queryInterface(loader, iid)` of an imported factory's table).
    const fn = this.lookups.localFunction(parent.callee) as TSESTree.FunctionLike | null;
    if (!fn) return this.lookups.importedRole(parent.callee)?.comObjectParams?.includes(index) ?? false;
    const param = fn.params[index];
    return param?.type === "Identifier" && this.paramIsComObject(param);
  }

  /** Does the function use this parameter as a COM object? (A parameter under test counts as not, so recursion ends.) */
  paramIsComObject(param: TSESTree.Identifier): boolean {
    let known = this.paramEvidence.get(param);
    if (known === undefined) {
      this.paramEvidence.set(param, false);
      // Through the casts it is given in (`koffi.call(methodAddress(p, 2), proto, asVoidPointer(p))`).
      known = this.lookups.referencesOf(param).some((ref) => ref !== param && this.isComObjectUse(this.converted(ref)));
      this.paramEvidence.set(param, known);
    }
    return known;
  }
}

/** The dotted name of a call's second argument (a dispatcher's slot constant), or null. */
function slotName(call: TSESTree.CallExpression): string | null {
  const slot = call.arguments[1];
  return slot && slot.type !== "SpreadElement" ? dottedName(slot) : null;
}

/** Calls by callee name (`call AVIFileOpenW`) and by the dotted name of their second argument (`slot DEV_CREATE_X`, a dispatcher's slot). */
function callsByName(root: Node): Map<string, TSESTree.CallExpression[]> {
  const out = new Map<string, TSESTree.CallExpression[]>();
  const add = (name: string, call: TSESTree.CallExpression) => {
    const list = out.get(name);
    if (list) list.push(call);
    else out.set(name, [call]);
  };
  walk(root, (node) => {
    if (node.type !== "CallExpression") return;
    const name = calleeName(node.callee);
    if (name !== null) add(`call ${name}`, node);
    const slot = slotName(node);
    if (slot !== null) add(`slot ${slot}`, node);
  });
  return out;
}

/** The name calls of a function of the file go by: declared, a constant's, or a class method's (`this.getFocusedElement()`). */
function functionName(fn: TSESTree.FunctionLike): string | undefined {
  if (fn.type === "FunctionDeclaration") return fn.id?.name;
  const parent = fn.parent;
  if (parent?.type === "VariableDeclarator" && parent.id.type === "Identifier") return parent.id.name;
  if (parent?.type === "MethodDefinition" && !parent.computed && parent.key.type === "Identifier") return parent.key.name;
  return undefined;
}


