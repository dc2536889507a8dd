/**
 * The file's out boxes (spec 2a, shape 7): which variable holds one (`Buffer.alloc(8)`, `[null]`, `{ value: null }`,
 * `new BigUint64Array(1)`, `new Uint8Array(8)`, a function of the file that makes one), how a call is given one
 * (itself, `box.ptr`, `ptr(box)`, `Deno.UnsafePointer.of(box)`, a constant holding its address, inside an argument
 * array) and how its pointer is read back (`box[0]`, `box.value`, `box.readBigUInt64LE(0)`, `read.ptr(box)`, a view of
 * its bytes, a conversion such as `Number(box[0])`, a read helper of the file: shape 8's `take(box)`).
 * What makes a box, and the Buffer methods that read one, are out-box-shapes.ts's.
 */
import type { TSESTree } from "@typescript-eslint/utils";
import { calleeName, constantIndex, constantValue, dottedName, isNullishLiteral, isPropertyName, memberName, numericLiteral, unwrapExpression, walk } from "./ast";
import { isFunctionNode, returnedValues } from "./ast-functions";
import type { FfiLookups } from "./ffi";
import type { Summary } from "./model";
import { conversionOperand, onlyComputesItsResult, returnsNewBox } from "./helper-shapes";
import { emptiesParameter, koffiDecodeAtStart, isBoxCreation, isBoxReadMethod, isBoxReset, isBunReadNamespace, isKoffi, isPointerArrayName, isRefNapi, isViewPointerRead, namesPointerType } from "./out-box-shapes";

type Node = TSESTree.Node;
type Expression = TSESTree.Expression;

export class OutBoxes {
  constructor(private readonly lookups: FfiLookups) {}

  /** A Win32 export or other call that receives a box: `CoCreateInstance(..., out)`, `Dxgi.CreateDXGIFactory(iid.ptr, out.ptr)`. */
  boxArgument(args: readonly TSESTree.CallExpressionArgument[]): Expression | null {
    // The last box wins: out-parameters come after the in-parameters (an IID may sit in a buffer too).
    const boxes = this.boxArguments(args);
    return boxes[boxes.length - 1] ?? null;
  }

  /** Every box a call receives, in argument order (also inside an argument array). */
  boxArguments(args: readonly TSESTree.CallExpressionArgument[]): Expression[] {
    const found: Expression[] = [];
    for (const arg of args) {
      if (arg.type === "SpreadElement") continue;
      const expr = unwrapExpression(arg);
      const elements = expr.type === "ArrayExpression" ? expr.elements : [expr];
      for (const element of elements) {
        const box = element && element.type !== "SpreadElement" ? this.passedBox(element) : null;
        if (box && !found.includes(box)) found.push(box);
      }
    }
    return found;
  }

  /** The box a read takes the pointer from: `box.readBigUInt64LE(0)`, `read.ptr(box)`, `Number(box[0])`; null otherwise. */
  readBox(expr: Node): { box: Expression; member: "[0]" | ".value" } | null {
    const node = unwrapExpression(expr);
    if (node.type === "MemberExpression") {
      // (`box[FIRST]` with `const FIRST = 0` too.)
      const first = node.computed && constantIndex(node.property, (id) => this.lookups.initOf(id)) === 0;
      // `new BigUint64Array(box.buffer)[0]`: a byte box read as one pointer.
      const viewed = first ? this.viewedBox(node.object, "BigUint64Array") : null;
      if (viewed) return { box: viewed, member: "[0]" };
      if (!this.isBox(node.object)) return null;
      if (first) return { box: node.object, member: "[0]" };
      return memberName(node) === "value" ? { box: node.object, member: ".value" } : null;
    }
    if (node.type !== "CallExpression") return null;
    const callee = unwrapExpression(node.callee);
    // `box.readBigUInt64LE(0)`: a read at an offset known to be another (`excepinfo.readBigUInt64LE(8)`) is a field of a struct.
    const offset = node.arguments[0];
    const atStart = !offset || offset.type === "SpreadElement" || (numericLiteral(offset) ?? 0) === 0;
    if (callee.type === "MemberExpression" && isBoxReadMethod(memberName(callee) ?? "") && atStart && this.isReadBox(callee.object)) return { box: callee.object, member: "[0]" };
    // ref-napi's `box.deref()` and `ref.deref(box)`: the pointer a `ref.alloc('pointer')` box received.
    if (callee.type === "MemberExpression" && memberName(callee) === "deref") {
      if (node.arguments.length === 0 && this.isReadBox(callee.object)) return { box: callee.object, member: "[0]" };
      if (node.arguments.length === 1 && isRefNapi(callee.object) && this.isReadBox(node.arguments[0])) return { box: node.arguments[0] as Expression, member: "[0]" };
    }
    // `new DataView(box.buffer).getBigUint64(0, true)`.
    if (callee.type === "MemberExpression" && isViewPointerRead(memberName(callee)) && node.arguments.length > 0 && numericLiteral(node.arguments[0]) === 0) {
      const viewed = this.viewedBox(callee.object, "DataView");
      if (viewed) return { box: viewed, member: "[0]" };
    }
    const first = node.arguments[0];
    if (!first || first.type === "SpreadElement") return null;
    const name = calleeName(callee);
    // `Number(box[0])`, `Deno.UnsafePointer.create(box[0])`, the file's `asPointer(box[0])`: the same pointer, converted.
    if (node.arguments.length === 1) {
      const converted = this.readBox(first);
      if (converted) return conversionOperand(node, (c) => this.lookups.localFunction(c)) !== null ? converted : null;
    }
    // Spec 2a shape 8's `take(box)`, `taken(out, "enumerator")`: a function of the file that reads the box it is given.
    if (this.isBox(first) && this.readsParameterBox(callee)) return { box: first as Expression, member: "[0]" };
    // koffi's cast of a read to a pointer type (`koffi.as(box.readPointer(), 'void *')`): the same pointer.
    if (name === "as" && node.arguments.length === 2 && callee.type === "MemberExpression" && isKoffi(callee.object) && namesPointerType(node.arguments[1])) return this.readBox(first);
    // koffi: `koffi.decode(box, 'void *')` reads the pointer a `koffi.alloc(type, 1)` box received; so does a read at
    // offset 0 (`koffi.decode(box, 0, 'void*')`, a public D3D11 client's every read).
    // (Of a pointer type: `koffi.decode(out, 0, 'int')` reads a number.)
    const decoded = koffiDecodeAtStart(node, (offset) => this.isZero(offset));
    if (decoded && this.isReadBox(decoded.operand)) return { box: decoded.operand as Expression, member: "[0]" };
    // bun:ffi's `read.ptr(box)`, and `read.ptr(box.ptr, 0)` (it reads at an address: the box's own).
    const read = callee.type === "MemberExpression" && isBunReadNamespace(dottedName(callee.object)) ? this.passedBox(first) : null;
    if (read && (read === first || node.arguments.length === 1 || numericLiteral(node.arguments[1] as Node) === 0)) return { box: read, member: "[0]" };
    return null;
  }

  /**
   * Is this read of a box (one `readBox` accepts) a read of a whole pointer: 64 bits (`readBigUInt64LE(0)`, a 64-bit
   * view of its bytes, a 64-bit array's `[0]`), or a pointer read (`read.ptr(box)`, koffi's decode, a read helper of the
   * file), also converted (`Number(...)`)? A 32-bit read (`readUInt32LE`) takes a count or a level.
   */
  readsWholePointer(read: Node): boolean {
    const node = unwrapExpression(read);
    const found = this.readBox(node);
    if (!found) return false;
    if (node.type === "MemberExpression") {
      if (found.member !== "[0]") return false;
      // `new BigUint64Array(box.buffer)[0]`: a view's element; `box[0]`: the box's own, as wide as its array's.
      if (unwrapExpression(node.object) !== found.box) return true;
      const init = found.box.type === "Identifier" ? this.lookups.initOf(found.box) : null;
      const made = init ? unwrapExpression(init) : null;
      return made?.type === "NewExpression" && made.callee.type === "Identifier" && isPointerArrayName(made.callee.name);
    }
    if (node.type !== "CallExpression") return false;
    const callee = unwrapExpression(node.callee);
    const method = callee.type === "MemberExpression" ? memberName(callee) : null;
    if (method === "deref") return true;
    // (ref-napi's `readPointer` reads a whole pointer whatever the platform.)
    if (method !== null && isBoxReadMethod(method)) return /64|Pointer/.test(method);
    // `new DataView(box.buffer).getBigUint64(0, true)` (readBox accepts only the 64-bit reads of a view).
    if (isViewPointerRead(method)) return true;
    // bun:ffi's `read.ptr(box)` (not `read.u32(ptr(level))`); koffi's `koffi.decode(box, 'void *')` (not `'int32_t'`).
    if (callee.type === "MemberExpression" && isBunReadNamespace(dottedName(callee.object))) return /^(?:ptr|u64|i64|intptr|uintptr)$/.test(method ?? "");
    if (callee.type === "MemberExpression" && isKoffi(callee.object)) {
      if (memberName(callee) === "as") return this.readsWholePointer(node.arguments[0]);
      return !!node.arguments[1] && namesPointerType(node.arguments[1]);
    }
    const [operand] = node.arguments;
    if (node.arguments.length === 1 && operand.type !== "SpreadElement" && this.readBox(operand)) return this.readsWholePointer(operand);
    // A read helper of the file (`take(box)`): what its body reads.
    return true;
  }

  /** `box`, `box.ptr`, `ptr(box)`: a box handed to a call that fills it. */
  passedBox(node: Node): Expression | null {
    const expr = unwrapExpression(node);
    if (this.isBox(expr)) return expr as Expression;
    if (expr.type === "MemberExpression" && memberName(expr) === "ptr" && this.isBox(expr.object)) return expr.object;
    if (expr.type === "CallExpression") return this.addressedBox(expr);
    // `new Uint8Array(out.buffer)`: the box's bytes, what a Deno `"buffer"` parameter takes.
    if (expr.type === "NewExpression" && expr.callee.type === "Identifier" && expr.callee.name === "Uint8Array" && expr.arguments[0]) {
      const buffer = unwrapExpression(expr.arguments[0] as Node);
      if (buffer.type === "MemberExpression" && memberName(buffer) === "buffer" && this.isBox(buffer.object)) return buffer.object;
    }
    // `const outPtr = ptr(out)`, then `[..., outPtr]`: the box's address kept in a constant.
    if (expr.type === "Identifier") {
      const init = this.lookups.initOf(expr);
      const declaration = init?.parent?.parent;
      if (init?.type === "CallExpression" && declaration?.type === "VariableDeclaration" && declaration.kind === "const") return this.addressedBox(init);
    }
    return null;
  }

  /**
   * The pointer a conversion is given (`Number(p)`, `BigInt(p)`, `Deno.UnsafePointer.create(p)`, Deno's older
   * `new Deno.UnsafePointer(p)`, koffi's `koffi.as(p, 'void *')`, the file's own `asPointer(p)`): what it returns is that
   * pointer; null for any other call.
   */
  convertedOperand(expr: TSESTree.CallExpression | TSESTree.NewExpression): Node | null {
    if (expr.type === "CallExpression") return conversionOperand(expr, (c) => this.lookups.localFunction(c));
    const [operand] = expr.arguments;
    if (expr.arguments.length !== 1 || operand.type === "SpreadElement") return null;
    return /(?:^|\.)UnsafePointer$/.test(dottedName(unwrapExpression(expr.callee)) ?? "") ? operand : null;
  }

  /** `0`, or a constant holding it (`const OFFSET = 0`). */
  private isZero(arg: TSESTree.CallExpressionArgument): boolean {
    return arg.type !== "SpreadElement" && numericLiteral(constantValue(arg, (id) => this.lookups.initOf(id)) as TSESTree.CallExpressionArgument) === 0;
  }

  /** Functions whose every return reads the box their one parameter is, by node (`take(box)`, `slot_value(slot)`). */
  private readonly readHelpers = new Map<Node, boolean>();
  /** The parameter taken for a box while a function is asked whether it reads one (readsParameterBox). */
  private assumedBox: TSESTree.Identifier | null = null;

  private readsParameterBox(callee: Node): boolean {
    const fn = this.lookups.localFunction(callee);
    if (!fn) return this.lookups.importedRole(callee)?.readsBox === true;
    return isFunctionNode(fn) && this.readsBoxParameter(fn);
  }

  /** Does this function return what the box its first parameter is holds (spec 2a shape 8's `take(box)`)? */
  readsBoxParameter(fn: TSESTree.FunctionLike): boolean {
    let known = this.readHelpers.get(fn);
    if (known !== undefined) return known;
    this.readHelpers.set(fn, false);
    // `take(box)`, `taken(out, what)`: the box comes first; the body only reads it, tests what it read and returns it.
    const [param] = fn.params;
    known = false;
    if (param?.type === "Identifier" && onlyComputesItsResult(fn)) {
      const outer = this.assumedBox;
      this.assumedBox = param;
      try {
        const reads = (value: Node): boolean => {
          // `const address = read.ptr(ptr(out), 0); if (address === 0) throw ...; return asPointer(address)`: through
          // the constant and the conversions to the read.
          let read: Node | null = unwrapExpression(value);
          for (let step = 0; step < 4 && read; step++) {
            const operand = read.type === "CallExpression" || read.type === "NewExpression" ? this.convertedOperand(read) : null;
            const next: Node | null = read.type === "Identifier" ? this.lookups.initOf(read) : operand;
            if (!next) break;
            read = unwrapExpression(next);
          }
          const box = read ? this.readBox(read)?.box : undefined;
          return box?.type === "Identifier" && box.name === param.name;
        };
        // What a return gives: the read, or no pointer (`null`, a bare `return`, `value === 0n ? null : value`, as a
        // helper that normalises what it read returns); null for anything else.
        const returned = (value: Node | null): "read" | "none" | null => {
          const expr = value ? unwrapExpression(value) : null;
          if (!expr || isNullishLiteral(expr)) return "none";
          // `pointer || null`, `pointer ?? null`: the read, or no pointer.
          const alternative = expr.type === "LogicalExpression" && expr.operator !== "&&" ? expr : null;
          if (expr.type !== "ConditionalExpression" && !alternative) return reads(expr) ? "read" : null;
          const [a, b] = alternative ? [returned(alternative.left), returned(alternative.right)] : [returned((expr as TSESTree.ConditionalExpression).consequent), returned((expr as TSESTree.ConditionalExpression).alternate)];
          return a === null || b === null ? null : a === "read" || b === "read" ? "read" : "none";
        };
        const outcomes = returnedValues(fn).map(returned);
        known = outcomes.includes("read") && outcomes.every((outcome) => outcome !== null);
      } finally {
        this.assumedBox = outer;
      }
    }
    this.readHelpers.set(fn, known);
    return known;
  }

  /**
   * `releaseComPtr(box)`: a helper given a box its caller filled, which reads what the box holds and gives the box to no
   * call that could fill it; no acquisition (its summary says whether it releases the pointer: summaries.ts). Of the
   * file, judged by its body; imported, by its summary.
   */
  takesFilledBox(call: TSESTree.CallExpression, box: Expression): boolean {
    const given = this.boxGivenTo(call, box);
    if (!given) return false;
    if (!given.fn) return given.imported?.some((boxed) => boxed.param === given.index) === true;
    return this.onlyReadsBoxParameter(given.fn, given.index);
  }

  /** `safeRelease(box)`: a box of the file given to a helper that only reads it (a release helper by its name, most often). */
  releasedFromBox(call: TSESTree.CallExpression, target: Node): boolean {
    return this.isBox(target) && this.takesFilledBox(call, target as Expression);
  }

  /** Does the helper this call gives the box to empty it after (`box.fill(0)`: a SafeRelease, safe to call twice)? */
  emptiesGivenBox(call: TSESTree.CallExpression, box: Node): boolean {
    const given = this.boxGivenTo(call, box);
    if (!given) return false;
    if (!given.fn) return given.imported?.some((boxed) => boxed.param === given.index && boxed.resets) === true;
    return emptiesParameter(given.fn, given.index);
  }

  /** The parameter a call gives the box to: of a function of the file, or (its summary's boxes) of an imported helper. */
  private boxGivenTo(call: TSESTree.CallExpression, box: Node): { index: number; fn: TSESTree.FunctionLike | null; imported?: Summary["releasesBoxed"] } | null {
    const index = call.arguments.indexOf(box as TSESTree.CallExpressionArgument);
    if (index < 0) return null;
    const fn = this.lookups.localFunction(call.callee);
    if (fn) return isFunctionNode(fn) ? { index, fn } : null;
    return { index, fn: null, imported: this.lookups.importedRole(call.callee)?.summary?.releasesBoxed };
  }

  /** Per function, by parameter: does its body only read (test, empty) the box it is given there? */
  private readonly readOnlyBoxes = new Map<Node, Map<number, boolean>>();

  private onlyReadsBoxParameter(fn: TSESTree.FunctionLike, index: number): boolean {
    let byIndex = this.readOnlyBoxes.get(fn);
    if (!byIndex) this.readOnlyBoxes.set(fn, (byIndex = new Map()));
    let known = byIndex.get(index);
    if (known === undefined) byIndex.set(index, (known = this.judgeBoxParameter(fn, index)));
    return known;
  }

  private judgeBoxParameter(fn: TSESTree.FunctionLike, index: number): boolean {
    const param = fn.params[index];
    if (param?.type !== "Identifier" || !fn.body) return false;
    const body = fn.body;
    const isParam = (node: Node | undefined): node is TSESTree.Identifier => node?.type === "Identifier" && node.name === param.name;
    // Every mention of the box is a read of it, a test of it or its emptying (`box.writeBigUInt64LE(0n)`): given to anything else (a call, an argument array, a
    // variable, an object), it may be filled there.
    const read = new Set<Node>();
    const mentions: TSESTree.Identifier[] = [];
    this.withAssumedBox(param, () =>
      walk(body, (node) => {
        if (isParam(node) && !isPropertyName(node)) mentions.push(node);
        if (node.type !== "CallExpression" && node.type !== "MemberExpression") return;
        const box = this.readBox(node)?.box;
        if (isParam(box)) read.add(box);
      }),
    );
    return read.size > 0 && mentions.every((mention) => read.has(mention) || isNullTest(mention) || isBoxReset(mention));
  }

  /** Answers a question about a function's body with one of its parameters taken for a box (a box its caller gives). */
  withAssumedBox<T>(param: TSESTree.Identifier, question: () => T): T {
    const outer = this.assumedBox;
    this.assumedBox = param;
    try {
      return question();
    } finally {
      this.assumedBox = outer;
    }
  }

  /** `ptr(box)`, Deno's `Deno.UnsafePointer.of(box)`: the address of a box, which hands nothing on by itself; else null. */
  addressedBox(call: TSESTree.CallExpression): Expression | null {
    const [box] = call.arguments;
    if (!box || !this.isBox(box)) return null;
    const callee = unwrapExpression(call.callee);
    // (bun:ffi's `ptr`; a function of the file called `ptr` may read the box instead: `const ptr = (o) => Deno.UnsafePointer.create(o[0])`.)
    if (callee.type === "Identifier") return callee.name === "ptr" && this.lookups.localFunction(callee) === null ? (box as Expression) : null;
    // `ffi.ptr(box)` of a namespace import; `read.ptr(box)` reads the pointer the box holds instead.
    const owner = callee.type === "MemberExpression" ? (dottedName(callee.object) ?? "") : "";
    const addressOf = callee.type === "MemberExpression" && ((memberName(callee) === "ptr" && !isBunReadNamespace(owner)) || (memberName(callee) === "of" && /(?:^|\.)UnsafePointer$/.test(owner)));
    return addressOf ? (box as Expression) : null;
  }

  /**
   * `new BigUint64Array(box.buffer)`, `new DataView(box.buffer)`: a view (of the given kind) over a box's bytes, written
   * in place or kept in a `const` (`const view = new DataView(box.buffer)`); the box, or null.
   */
  private viewedBox(view: Node, kind: "BigUint64Array" | "DataView"): Expression | null {
    let node = unwrapExpression(view);
    const init = node.type === "Identifier" ? this.lookups.initOf(node) : null;
    if (init && init.parent?.parent?.type === "VariableDeclaration" && init.parent.parent.kind === "const") node = unwrapExpression(init);
    if (node.type !== "NewExpression" || node.arguments.length !== 1 || node.callee.type !== "Identifier") return null;
    if (kind === "DataView" ? node.callee.name !== "DataView" : !isPointerArrayName(node.callee.name)) return null;
    const buffer = unwrapExpression(node.arguments[0] as Node);
    return buffer.type === "MemberExpression" && memberName(buffer) === "buffer" && this.isBox(buffer.object) ? buffer.object : null;
  }

  /**
   * Is this read by a call (`koffi.decode(b, 'void *')`, `b.readBigUInt64LE(0)`, `b.deref()`) a read of a box: a box of
   * the file, or a parameter, which may be the caller's box (`function releaseComPtr(pp) { const p = koffi.decode(pp,
   * 'void *'); ... }`, a public koffi D3D11 helper). Read from a parameter that holds an object instead (its vtable,
   * `koffi.decode(pObj, 'void *')`), the slot names what the object points to, which the caller gave no box for:
   * summaries.ts credits a release of it only to a caller that passes a box.
   */
  private isReadBox(node: Node): boolean {
    return this.isBox(node) || this.lookups.isParameter(unwrapExpression(node));
  }

  /**
   * `let ppStaging: Buffer | null = null; try { ppStaging = Buffer.alloc(8); ...`: a variable declared empty that the
   * code only ever assigns a new box (or empties again) holds a box. By the `null` it is declared with.
   */
  private allocatedLater(variable: TSESTree.Identifier, declaredNull: Node): boolean {
    let known = this.boxesAllocatedLater.get(declaredNull);
    if (known === undefined) {
      let allocated = false;
      let other = false;
      for (const ref of this.lookups.referencesOf(variable)) {
        const write = ref.parent?.type === "AssignmentExpression" && ref.parent.left === ref ? ref.parent : null;
        if (!write) continue;
        const value = unwrapExpression(write.right);
        if (write.operator === "=" && isBoxCreation(value)) allocated = true;
        else if (write.operator !== "=" || !isNullishLiteral(value)) other = true;
      }
      known = allocated && !other;
      this.boxesAllocatedLater.set(declaredNull, known);
    }
    return known;
  }
  private readonly boxesAllocatedLater = new Map<Node, boolean>();

  /** Is this a variable initialised with a pointer box? */
  isBox(node: Node): boolean {
    const expr = unwrapExpression(node);
    if (expr.type !== "Identifier") return false;
    if (this.assumedBox !== null && expr.name === this.assumedBox.name) return true;
    const init = this.lookups.initOf(expr);
    if (init === null) return false;
    const value = unwrapExpression(init);
    if (isBoxCreation(value)) return true;
    if (isNullishLiteral(value)) return this.allocatedLater(expr, value);
    // `const out = pointer_slot()`, where the file's `pointer_slot()` returns `new BigUint64Array(1)`.
    const maker = value.type === "CallExpression" && value.arguments.length === 0 ? this.lookups.localFunction(value.callee) : null;
    return maker !== null && returnsNewBox(maker);
  }
}


/** `if (!box)`, `box === null`, `box ? ... : ...`: a test of the variable, which fills nothing. */
function isNullTest(node: TSESTree.Identifier): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (parent.type === "UnaryExpression" && parent.operator === "!") return true;
  if (parent.type === "BinaryExpression" && ["===", "!==", "==", "!="].includes(parent.operator)) return true;
  if ((parent.type === "IfStatement" || parent.type === "ConditionalExpression") && parent.test === node) return true;
  return parent.type === "LogicalExpression" && parent.left === node;
}
