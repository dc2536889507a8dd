/**
 * Out boxes (spec 2a, shapes 7 and 8) as public Bun and Deno code writes them: eight bytes read through a view of their
 * buffer, a box made or read by a small function of the file, the box's address passed by name or taken by Deno's
 * `UnsafePointer.of`, one box reused for a second call.
 */
import { leakAtEarlyReturn, leakCase } from "./leaks";
import { BUN_VTABLE_CALL } from "./bun-dispatch";
import type { RuleCases } from "./types";

/** How a case makes its box (`make`), hands it to the call (`pass`) and reads the pointer (`read`); `more`: code before. */
interface Box {
  make: string;
  pass: string;
  read: string;
  more?: string;
}

/** A session made through a dispatcher with the box, its size queried; `end` runs before the return. */
const SESSION = (box: Box, end: string) => `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE_SESSION = 10;
const SLOT_ITEM_SIZE = 7;
${BUN_VTABLE_CALL}function release(object: number): void {
  if (object) vtableCall(object, SLOT_RELEASE, []);
}
${box.more ?? ""}export function itemSize(pool: number): number {
  ${box.make}
  if (vtableCall(pool, SLOT_CREATE_SESSION, [${box.pass}]) < 0) return -1;
  const session = ${box.read};
  const size = vtableCall(session, SLOT_ITEM_SIZE, []);
${end}  return size;
}
`;

const BOXES: Record<string, Box> = {
  "new Uint8Array(8), read through new BigUint64Array(box.buffer)[0]": { make: "const out = new Uint8Array(8);", pass: "ptr(out)", read: "Number(new BigUint64Array(out.buffer)[0])" },
  "new Uint8Array(8), read through new DataView(box.buffer).getBigUint64(0, true)": { make: "const out = new Uint8Array(8);", pass: "ptr(out)", read: "Number(new DataView(out.buffer).getBigUint64(0, true))" },
  "new Uint8Array(8), read through a DataView kept in a const (const view = new DataView(box.buffer); view.getBigUint64(0, true))": {
    make: "const out = new Uint8Array(8);\n  const view = new DataView(out.buffer);",
    pass: "ptr(out)",
    read: "Number(view.getBigUint64(0, true))",
  },
  "a box made by a function of the file (pointerSlot() returns new BigUint64Array(1)), read with read.ptr(ptr(box), 0)": {
    make: "const out = pointerSlot();",
    pass: "ptr(out)",
    read: "read.ptr(ptr(out), 0)",
    more: "function pointerSlot(): BigUint64Array {\n  return new BigUint64Array(1);\n}\n",
  },
  "the box's address kept in a constant (const outPtr = ptr(out)) and passed by name": { make: "const out = new BigUint64Array(1);\n  const outPtr = ptr(out);", pass: "outPtr", read: "Number(out[0])" },
  "the box passed as Deno.UnsafePointer.of(box)": { make: "const out = new BigUint64Array(1);", pass: "Deno.UnsafePointer.of(out)", read: "Number(out[0])", more: "declare const Deno: any;\n" },
  "a read helper of the file (spec 2a shape 8's take(box): slotValue(out) returns read.ptr(ptr(slot), 0))": {
    make: "const out = new BigUint64Array(1);",
    pass: "ptr(out)",
    read: "slotValue(out)",
    more: "function slotValue(slot: BigUint64Array): number {\n  return read.ptr(ptr(slot), 0);\n}\n",
  },
  "a read helper with a label argument that reads into a constant and tests it (taken(out, \"session\"))": {
    make: "const out = new BigUint64Array(1);",
    pass: "ptr(out)",
    read: 'taken(out, "session")',
    more: "function taken(slot: BigUint64Array, what: string): number {\n  const address = read.ptr(ptr(slot), 0);\n  if (address === 0) throw new Error(what);\n  return address;\n}\n",
  },
  "a read helper that returns its read through the file's conversion (return asPointer(address))": {
    make: "const out = new BigUint64Array(1);",
    pass: "ptr(out)",
    read: 'taken(out, "session")',
    more: "function asPointer(address: number): number {\n  return address;\n}\nfunction taken(slot: BigUint64Array, what: string): number {\n  const address = read.ptr(ptr(slot), 0);\n  if (address === 0) throw new Error(what);\n  return asPointer(address);\n}\n",
  },
  "in a file that also calls getBigUint64() with no arguments (a DataView read of no box)": {
    make: "const out = new BigUint64Array(1);",
    pass: "ptr(out)",
    read: "Number(out[0])",
    more: "export function stamp(view: DataView): bigint {\n  return (view as any).getBigUint64();\n}\n",
  },
};

/** One box for two calls: the first pointer is read, then the box is passed again for the second. */
const REUSED = (end: string) => `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_GET_DEFAULT_ENDPOINT = 4;
const SLOT_ACTIVATE = 3;
function comCall(obj: number, slot: number, argv: unknown[]): number {
  const fn = read.ptr(read.ptr(obj, 0), slot * 8);
  return (CFunction as any)({ ptr: fn, returns: FFIType.i32, args: [FFIType.ptr] })(obj, ...argv);
}
function release(obj: number): void {
  comCall(obj, SLOT_RELEASE, []);
}
export function activate(enumerator: number): boolean {
  const out = new BigUint64Array(1);
  let hr = comCall(enumerator, SLOT_GET_DEFAULT_ENDPOINT, [0, 1, ptr(out)]);
  if (hr !== 0) return false;
  const device = Number(out[0]);
  hr = comCall(device, SLOT_ACTIVATE, [23, null, ptr(out)]);
  if (hr === 0) release(Number(out[0]));
${end}  return hr === 0;
}
`;

/** An object of pointers made by a helper inside `try`, torn down in `finally` only if it was made. */
const GUARDED_TEARDOWN = `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE_ITEM = 3;
const SLOT_CREATE_POOL = 6;
const SLOT_START = 6;
${BUN_VTABLE_CALL}function release(object: number): void {
  if (object) vtableCall(object, SLOT_RELEASE, []);
}
function openTarget(factory: number): { item: number; pool: number } {
  const itemOut = new BigUint64Array(1);
  if (vtableCall(factory, SLOT_CREATE_ITEM, [ptr(itemOut)]) < 0) throw new Error("item");
  const item = Number(itemOut[0]);
  const poolOut = new BigUint64Array(1);
  if (vtableCall(factory, SLOT_CREATE_POOL, [ptr(poolOut)]) < 0) {
    release(item);
    throw new Error("pool");
  }
  return { item, pool: Number(poolOut[0]) };
}
function closeTarget(target: { item: number; pool: number }): void {
  release(target.pool);
  release(target.item);
}
export function capture(factory: number): number {
  let target: { item: number; pool: number } | null = null;
  try {
    target = openTarget(factory);
    return vtableCall(target.pool, SLOT_START, []);
  } finally {
    if (target) closeTarget(target);
  }
}
`;

const WRAPPED = "  const size = vtableCall(session, SLOT_ITEM_SIZE, []);\n  return size;\n";

/** Files the pointer in a module registry (spec 2a shape 9) and returns it: no conversion, the registry owns it. */
const REGISTRY = `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE_SESSION = 10;
const SLOT_ITEM_SIZE = 7;
const live: number[] = [];
${BUN_VTABLE_CALL}export function releaseAllLive(): void {
  for (const p of live) vtableCall(p, SLOT_RELEASE, []);
  live.length = 0;
}
function track(p: number): number {
  live.push(p);
  return p;
}
export function itemSize(pool: number): number {
  const out = new BigUint64Array(1);
  if (vtableCall(pool, SLOT_CREATE_SESSION, [ptr(out)]) < 0) return -1;
  const session = track(Number(out[0]));
  return vtableCall(session, SLOT_ITEM_SIZE, []);
}
`;

/** \`read.ptr(out)\` reads the pointer the box received: a constant holding it is the shader, not the box's address. */
const READ_INTO_CONSTANT = `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE_SHADER = 10;
const SLOT_SET_SHADER = 11;
${BUN_VTABLE_CALL}function release(object: number): void {
  if (object) vtableCall(object, SLOT_RELEASE, []);
}
export function bind(device: number, context: number): number {
  const out = new BigUint64Array(1);
  if (vtableCall(device, SLOT_CREATE_SHADER, [ptr(out)]) < 0) return -1;
  const shader = read.ptr(out);
  const hr = vtableCall(context, SLOT_SET_SHADER, [shader, null, 0]);
  release(read.ptr(out));
  return hr;
}
`;

/**
 * A file whose only box is \`new Uint8Array(8)\` read through a DataView, released by a helper at a numeric slot: no
 * Buffer, no 64-bit array and no Release slot constant in its text (the file filter must still open it).
 */
const BYTE_BOX_ONLY = (end: string) => `import { CFunction, FFIType, ptr, read } from "bun:ffi";
${BUN_VTABLE_CALL}function comRelease(object: number): void {
  if (object) vtableCall(object, 2, []);
}
export function itemSize(pool: number): number {
  const out = new Uint8Array(8);
  if (vtableCall(pool, 10, [ptr(out)]) < 0) return -1;
  const session = Number(new DataView(out.buffer).getBigUint64(0, true));
  const size = vtableCall(session, 7, []);
${end}  return size;
}
`;

/**
 * A read helper that normalises what it read (a public koffi WMI client's \`pointerFromSlot\`): \`typeof\` branches, 0 as
 * null, a number converted with \`BigInt\`. Each return is the box's pointer or no pointer: it reads the box.
 */
const NORMALISED_READ = (end: string) => `declare const koffi: any;
const CoCreateInstance = koffi.load("ole32.dll").func("__stdcall", "CoCreateInstance", "int32_t", ["const void*", "void*", "uint32_t", "const void*", "_Out_ void **"]);
const ReleaseProto = koffi.proto("__stdcall", "uint32_t", ["void*"]);
function vcall(p: unknown, slot: number, proto: unknown, ...args: unknown[]): number {
  const fn = koffi.decode(koffi.decode(p, "void*"), slot * 8, "void*");
  return koffi.call(fn, proto, p, ...args) as number;
}
function release(p: bigint | null): void {
  if (p) vcall(p, 2, ReleaseProto);
}
function pointerFromSlot(slot: unknown): bigint | null {
  const value = koffi.decode(slot, "void*") as bigint | number | null;
  if (typeof value === "bigint") return value === 0n ? null : value;
  if (typeof value === "number") return value === 0 ? null : BigInt(value);
  return null;
}
export function create(clsid: Buffer, iid: Buffer): number {
  const out = koffi.alloc("void*", 1);
  if (CoCreateInstance(clsid, null, 1, iid, out) < 0) return -1;
  const locator = pointerFromSlot(out);
  const n = vcall(locator, 3, ReleaseProto);
${end}  return n;
}
`;

/** A read helper that normalises with `||` (`return pointer || null`, a public koffi UI Automation worker's `decodePointer`). */
const OR_NULL_READ = (end: string) =>
  NORMALISED_READ(end).replace(
    '  const value = koffi.decode(slot, "void*") as bigint | number | null;\n  if (typeof value === "bigint") return value === 0n ? null : value;\n  if (typeof value === "number") return value === 0 ? null : BigInt(value);\n  return null;\n',
    '  const value = koffi.decode(slot, "void*") as bigint | null;\n  return value || null;\n',
  );

/** koffi's read of the box at an explicit offset 0 (`koffi.decode(out, 0, "void*")`, a public D3D11 client's every read). */
const OFFSET_ZERO_READ = (end: string) => NORMALISED_READ(end).replace("const locator = pointerFromSlot(out);", 'const locator = koffi.decode(out, 0, "void*") as bigint;');

/**
 * A walk up a chain (a public koffi UI Automation client's parent walk): each pass asks for the next object while the
 * variable still holds the previous one, releases that, then moves on (`release(element); element = next[0]`).
 */
const PARENT_WALK = (inLoop: string) => `declare const koffi: any;
const ParentProto = koffi.proto("int32 __stdcall Parent(void *self, void *element, _Out_ void **result)");
const ReleaseProto = koffi.proto("uint32 __stdcall Drop(void *self)");
function call(p: unknown, slot: number, proto: unknown, ...args: unknown[]): number {
  return koffi.call(koffi.decode(koffi.decode(p, "void *"), slot * 8, "void *"), proto, p, ...args) as number;
}
const release = (p: unknown) => p && call(p, 2, ReleaseProto);
export function depth(walker: unknown, start: unknown): number {
  const first = [null];
  if (call(walker, 3, ParentProto, start, first) < 0) return -1;
  let element: unknown = first[0];
  let n = 0;
  try {
    while (element && n < 64) {
      const next = [null];
      if (call(walker, 3, ParentProto, element, next) < 0) return -1;
${inLoop}      element = next[0];
      n++;
    }
    return n;
  } finally {
    release(element);
  }
}
`;

/** koffi's CoCreateInstance, a dispatcher, and a helper returning the object it created. */
const CREATE_HELPER = `const CoCreateInstance = koffi.load("ole32.dll").func("int __stdcall CoCreateInstance(void *c, void *o, uint32_t x, void *i, _Out_ void **ppv)");
const ReleaseProto = koffi.proto("uint32 __stdcall Drop(void *self)");
function vcall(p: unknown, slot: number, proto: unknown, ...args: unknown[]): number {
  return koffi.call(koffi.decode(koffi.decode(p, "void *"), slot * 8, "void *"), proto, p, ...args) as number;
}
function create(clsid: Buffer, iid: Buffer): unknown {
  const out = [null];
  if (CoCreateInstance(clsid, null, 1, iid, out) < 0) throw new Error("create");
  return out[0];
}
`;

/** A logical assignment (`??=`) stores like `=`: into a field, the object's; into a local, still this function's. */
const LOGICAL_ASSIGNMENT = `declare const koffi: any;
${CREATE_HELPER}export class Devices {
  private manager: unknown = null;
  managerOf(clsid: Buffer, iid: Buffer): unknown {
    this.manager ??= create(clsid, iid);
    return this.manager;
  }
  dispose(): void {
    if (this.manager) vcall(this.manager, 2, ReleaseProto);
  }
}
export function count(clsid: Buffer, iid: Buffer): number {
  let obj: unknown = null;
  obj ??= create(clsid, iid);
  const n = vcall(obj, 3, ReleaseProto);
  return n;
}
`;

/** A second read of the same box, as a number at offset 0 (`koffi.decode(out, 0, "int")`): no read of its pointer. */
const OFFSET_ZERO_INT = (end: string) =>
  NORMALISED_READ(end).replace("  const locator = pointerFromSlot(out);\n", '  const locator = pointerFromSlot(out);\n  const flags = koffi.decode(out, 0, "int") as number;\n');

/** `&&=` over a module variable that holds an object: it is lost like with `=`. */
const AND_ASSIGNMENT = `import koffi from "koffi";
${CREATE_HELPER}let shared: unknown = null;
export function open(clsid: Buffer, iid: Buffer): void {
  shared = create(clsid, iid);
  shared &&= create(clsid, iid);
}
export function close(): void {
  if (shared) vcall(shared, 2, ReleaseProto);
  shared = null;
}
`;

/** The walk of PARENT_WALK written as a `for` loop whose test is the pointer (`for (let element = first[0]; element; n++)`). */
const FOR_WALK = (inLoop: string) => `import koffi from "koffi";
const ParentProto = koffi.proto("int32 __stdcall Parent(void *self, _Out_ void **result)");
const ReleaseProto = koffi.proto("uint32 __stdcall Drop(void *self)");
function call(p: unknown, slot: number, proto: unknown, ...args: unknown[]): number {
  return koffi.call(koffi.decode(koffi.decode(p, "void *"), slot * 8, "void *"), proto, p, ...args) as number;
}
const release = (p: unknown) => p && call(p, 2, ReleaseProto);
export function depth(start: unknown): number {
  const first = [null];
  if (call(start, 3, ParentProto, first) < 0) return -1;
  let n = 0;
  for (let element: unknown = first[0]; element; n++) {
    const next = [null];
    const hr = call(element, 3, ParentProto, next);
${inLoop}    if (hr < 0) return -1;
    element = next[0];
  }
  return n;
}
`;

/** The object's only use: a release helper of the file that passes it cast (`asVoidPointer(p)`) to its vtable's Release. */
const CAST_RELEASE_HELPER = `import koffi from "koffi";
const CoCreateInstance = koffi.load("ole32.dll").func("__stdcall", "CoCreateInstance", "int32_t", ["const void*", "void*", "uint32_t", "const void*", "_Out_ void **"]);
const releaseMethod = koffi.proto("__stdcall", "uint32_t", ["void*"]);
const countMethod = koffi.proto("__stdcall", "int32_t", ["void*", "_Out_ uint32_t *"]);
function methodAddress(p: bigint, index: number): bigint {
  return (koffi.decode(koffi.decode(p, "void*"), "void*", index + 1) as bigint[])[index];
}
const parentMethod = koffi.proto("__stdcall", "int32_t", ["void*", "void*", "_Out_ void **"]);
const asVoidPointer = (p: unknown): unknown => koffi.as(p, "void*");
function drop(p: any): void {
  if (p) koffi.call(methodAddress(p, 2), releaseMethod, asVoidPointer(p));
}
export function one(walker: any, start: unknown, quick: boolean): number {
  const first = koffi.alloc("void*", 1);
  if (koffi.call(methodAddress(walker, 3), parentMethod, walker, start, first) < 0) return -1;
  const element: any = koffi.decode(first, 0, "void*");
  if (quick) return 0;
  drop(element);
  return 1;
}
`;

/** A pointer whose only COM use is through the property it is stored under (`active = { vertexShader }`, then `releaseObject(active.vertexShader)`). */
const STORED_AS_PROPERTY = `import koffi from "koffi";
const P = koffi.proto("int32 __stdcall M(void *self)");
function callSlot(object: unknown, index: number, proto: unknown, ...args: unknown[]): number {
  const vtable = koffi.decode(object, 0, "void*");
  return koffi.call(koffi.decode(vtable, index * 8, "void*"), proto, ...args) as number;
}
function releaseObject(object: unknown): void { // Release
  if (object) callSlot(object, 2, P, object);
}
let active: { vertexShader: unknown } | null = null;
export function start(device: unknown, n: number): boolean {
  const shaderBuffer = koffi.alloc("void*", 1);
  if (callSlot(device, 12, P, device, shaderBuffer) < 0) return false;
  const vertexShader = koffi.decode(shaderBuffer, 0, "void*");
  if (n < 0) return false;
  active = { vertexShader };
  return true;
}
export function stop(): void {
  if (active) releaseObject(active.vertexShader);
  active = null;
}
`;

/** WinRT's event accessors (`add_Activated`) fill their box with a registration token, no object: never read, nothing owed. */
const EVENT_TOKEN = `import { CFunction, FFIType, read } from "bun:ffi";
${BUN_VTABLE_CALL}const SLOT_RELEASE = 2;
const Notification = { add_Activated: 11, Show: 12 };
export function listen(toast: number, handler: number): boolean {
  const activatedToken = new Uint8Array(8);
  if (vtableCall(toast, Notification.add_Activated, [handler, activatedToken]) !== 0) {
    vtableCall(toast, SLOT_RELEASE, []);
    return false;
  }
  return vtableCall(toast, Notification.Show, []) === 0;
}
`;

/** ffi-napi with ref-napi's out box (`ref.alloc('pointer')`, read with `ref.deref(box)`); `end` runs before the return. */
const REF_NAPI = (end: string) => `import * as ffi from 'ffi-napi';
import * as ref from 'ref-napi';

const ole32 = ffi.Library('ole32', {
  CoCreateInstance: ['int', ['pointer', 'pointer', 'uint', 'pointer', 'pointer']],
});

function vcall(obj: Buffer, slot: number, ret: string, args: string[], ...values: unknown[]): number {
  const vtbl = ref.readPointer(obj, 0, 8 * (slot + 1));
  const fn = ffi.ForeignFunction(ref.readPointer(vtbl, slot * 8), ret, ['pointer', ...args]);
  return fn(obj, ...values);
}
function release(p: Buffer): void { if (!ref.isNull(p)) vcall(p, 2, 'uint32', []); }

export function focusedName(CLSID: Buffer, IID: Buffer): number {
  const pAutomation = ref.alloc('pointer');
  if (ole32.CoCreateInstance(CLSID, null, 1, IID, pAutomation) !== 0) return -1;
  const automation = ref.deref(pAutomation);
  const out = ref.alloc('pointer');
  const hr = vcall(automation, 8, 'int', ['pointer'], out); // GetFocusedElement
  if (hr === 0) release(ref.deref(out));
${end}  return hr;
}
`;

/** A test that leaves when the pointer is null or for a reason of its own (\`if (!c || limit === 0) return -1\`). */
const NULL_OR_OTHER = `import { CFunction, FFIType, read } from "bun:ffi";
declare function queryThing(p: number): number;
function vtableCall(object: number, slot: number, argv: readonly unknown[]): number {
  const address = read.ptr(read.ptr(object, 0), slot * 8);
  return (CFunction as any)({ ptr: address, args: [FFIType.ptr], returns: FFIType.i32 })(object, ...argv);
}
function release(p: number): void { vtableCall(p, 2, []); }
function child(parent: number): number {
  const out = new BigUint64Array(1);
  if (vtableCall(parent, 5, [out]) < 0) return 0;
  return Number(out[0]);
}
export function count(parent: number, limit: number): number {
  const c = child(parent);
  if (!c || limit === 0) return -1;
  const n = vtableCall(c, 7, []);
  return n;
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "ffi-napi: a ref-napi box (ref.alloc('pointer')) read with ref.deref(box), released", code: REF_NAPI("  release(automation);\n") },
    { name: "a WinRT event accessor's box (add_Activated) holds a token, not an object: the slot's name says no creation (Activated, not Activate)", code: EVENT_TOKEN },
    { name: "a read helper that normalises what it read (typeof branches, 0 as null, BigInt of a number) reads the box: its result released, nothing owed", code: NORMALISED_READ("  release(locator);\n") },
    { name: "a walk up a chain that releases the previous object after asking for the next (release(element); element = next[0]) owes nothing when it asks again", code: PARENT_WALK("      release(element);\n") },
    { name: "a logical assignment into a field (this.manager ??= create()) stores the pointer there; a local one stays owed (reported, see invalid)", code: LOGICAL_ASSIGNMENT.slice(0, LOGICAL_ASSIGNMENT.indexOf("export function count")) },
    { name: "a box read again as a number at offset 0 (koffi.decode(out, 0, 'int')) is no read of its pointer: the pointer read before, released, owes nothing", code: OFFSET_ZERO_INT("  release(locator);\n") },
    { name: "a walk up a chain written as a for loop whose test is the pointer (for (let element = first[0]; element; n++)) owes nothing where the loop ends", code: FOR_WALK("    release(element);\n") },
    { name: "a pointer whose only COM use is through the property it is stored under (active = { vertexShader }; releaseObject(active.vertexShader)), released on the early return: nothing owed", code: STORED_AS_PROPERTY.replace("  if (n < 0) return false;", "  if (n < 0) { releaseObject(vertexShader); return false; }") },
    { name: "a read helper returning `value || null` reads the box: its result released, nothing owed", code: OR_NULL_READ("  release(locator);\n") },
    { name: "koffi.decode(out, 0, 'void*'), a read at offset 0, reads the box: released, nothing owed", code: OFFSET_ZERO_READ("  release(locator);\n") },
    { name: "a function that files its parameter in a module registry and returns it is no conversion: the registry owns the pointer", code: REGISTRY },
    { name: "read.ptr(out) kept in a constant is the pointer read, not the box's address: passing it on fills no box", code: READ_INTO_CONSTANT },
    {
      name: "an HRESULT compared as a BigInt (hr !== 0n) is a success test: its failure return owes nothing",
      code: `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE_SESSION = 10;
${BUN_VTABLE_CALL}export function make(pool: number): number {
  const out = new BigUint64Array(1);
  const hr = BigInt(vtableCall(pool, SLOT_CREATE_SESSION, [ptr(out)]));
  if (hr !== 0n) return -1;
  const session = read.ptr(out);
  vtableCall(session, SLOT_RELEASE, []);
  return 0;
}
`,
    },
    ...Object.entries(BOXES).map(([name, box]) => ({ name: `${name}: released`, code: SESSION(box, "  release(session);\n") })),
    { name: "new Uint8Array(16) is no pointer box: what it receives is no pointer to release", code: SESSION({ make: "const out = new Uint8Array(16);", pass: "ptr(out)", read: "Number(new BigUint64Array(out.buffer)[0])" }, "") },
    { name: "a box reused for a second call: the pointer read from it before, released, is no leak", code: REUSED("  release(device);\n") },
    { name: "a file whose only box is new Uint8Array(8) read through a DataView: released, no report", code: BYTE_BOX_ONLY("  comRelease(session);\n") },
    { name: "an object of pointers made inside try and torn down in finally only if made (if (target) closeTarget(target)): no leak on the path where it was never made", code: GUARDED_TEARDOWN },
  ],
  invalid: [
    {
      name: "a test that leaves when the pointer is null or for another reason leaks it there: the finally repair wraps that test too",
      code: NULL_OR_OTHER,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "c", acquirer: "child", reached: "the return at line 15", release: "vtableCall(c, 2, [])" },
          line: 14,
          column: 13,
          suggestions: [
            { messageId: "insertReleaseFinally", output: NULL_OR_OTHER.replace("  if (!c || limit === 0) return -1;\n  const n = vtableCall(c, 7, []);\n  return n;\n", "  try {\n    if (!c || limit === 0) return -1;\n    const n = vtableCall(c, 7, []);\n    return n;\n  } finally {\n    vtableCall(c, 2, []);\n  }\n") },
            { messageId: "insertReleaseAtExits", output: NULL_OR_OTHER.replace("  if (!c || limit === 0) return -1;\n  const n = vtableCall(c, 7, []);\n", "  if (!c || limit === 0) { vtableCall(c, 2, []); return -1; }\n  const n = vtableCall(c, 7, []);\n  vtableCall(c, 2, []);\n") },
          ],
        },
      ],
    },
    leakCase(
      "ffi-napi: a ref-napi box (ref.alloc('pointer')) read with ref.deref(box) is an out box: its pointer never released",
      REF_NAPI,
      { pointer: "automation", acquirer: "CoCreateInstance", reached: "the return at line 22" },
      [17, 7],
      "release(automation)",
      "  const out = ref.alloc('pointer');\n  const hr = vcall(automation, 8, 'int', ['pointer'], out); // GetFocusedElement\n  if (hr === 0) release(ref.deref(out));\n  return hr;\n",
    ),
    leakCase(
      "a read helper that normalises what it read (typeof branches, 0 as null) reads the box: its result never released, it leaks under its own name",
      NORMALISED_READ,
      { pointer: "locator", acquirer: "CoCreateInstance", reached: "the return at line 22" },
      [19, 7],
      "vcall(locator, 2, ReleaseProto)",
      "  const n = vcall(locator, 3, ReleaseProto);\n  return n;\n",
    ),
    {
      name: "a walk up a chain that never releases the previous object: asked for the next one while it is still held, it is lost",
      code: PARENT_WALK(""),
      errors: [{ messageId: "missingReleaseBeforeLoss", data: { pointer: "element", acquirer: "call", reached: "line 16, where it is acquired again", release: "release(element)" }, line: 16, column: 11 }],
    },
    {
      name: "a logical assignment into a local (obj ??= create()) binds it like `=`: never released, the pointer leaks",
      code: LOGICAL_ASSIGNMENT,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "obj", acquirer: "create", reached: "the return at line 26", release: "vcall(obj, 2, ReleaseProto)" },
          line: 24,
          column: 11,
          suggestions: [
            { messageId: "insertReleaseFinally", output: LOGICAL_ASSIGNMENT.replace("  const n = vcall(obj, 3, ReleaseProto);\n  return n;\n", "  try {\n    const n = vcall(obj, 3, ReleaseProto);\n    return n;\n  } finally {\n    vcall(obj, 2, ReleaseProto);\n  }\n") },
            { messageId: "insertReleaseAtExit", output: LOGICAL_ASSIGNMENT.replace("  return n;\n}\n", "  vcall(obj, 2, ReleaseProto);\n  return n;\n}\n") },
          ],
        },
      ],
    },
    leakCase(
      "a box read again as a number at offset 0 (koffi.decode(out, 0, 'int')) is no read of its pointer: the pointer read before, never released, leaks",
      OFFSET_ZERO_INT,
      { pointer: "locator", acquirer: "CoCreateInstance", reached: "the return at line 23" },
      [19, 7],
      "vcall(locator, 2, ReleaseProto)",
      '  const flags = koffi.decode(out, 0, "int") as number;\n  const n = vcall(locator, 3, ReleaseProto);\n  return n;\n',
    ),
    {
      name: "`&&=` over a module variable that holds an object loses it like `=`",
      code: AND_ASSIGNMENT,
      errors: [{ messageId: "missingReleaseBeforeLoss", data: { pointer: "shared", acquirer: "create", reached: "line 15, where `shared`, which holds it, is assigned again", release: "vcall(shared, 2, ReleaseProto)" }, line: 14, column: 12 }],
    },
    {
      name: "a walk written as a for loop that never releases the previous object: asked for the next one while it is still held, it is lost",
      code: FOR_WALK(""),
      errors: [
        { messageId: "missingRelease", data: { pointer: "element", acquirer: "call", reached: "the return at line 15", release: "call(element, 2, ReleaseProto)" }, line: 10, column: 7 },
        { messageId: "missingReleaseBeforeLoss", data: { pointer: "element", acquirer: "call", reached: "line 14, where it is acquired again", release: "call(element, 2, ReleaseProto)" }, line: 14, column: 16 },
      ],
    },
    leakAtEarlyReturn(
      "an object whose only use is a release helper passing it cast to its vtable's Release (asVoidPointer(p)) is a COM object: not released on the early return, it leaks",
      CAST_RELEASE_HELPER,
      { pointer: "element", acquirer: "parentMethod", reached: "the return at line 17", release: "drop(element)" },
      [15, 7],
      "  if (quick) return 0;",
      "  if (quick) { drop(element); return 0; }",
    ),
    leakAtEarlyReturn(
      "a pointer whose only COM use is through the property it is stored under (active = { vertexShader }; releaseObject(active.vertexShader)) is a COM object: not released on the early return, it leaks",
      STORED_AS_PROPERTY,
      { pointer: "vertexShader", acquirer: "callSlot", reached: "the return at line 15", release: "releaseObject(vertexShader)" },
      [13, 7],
      "  if (n < 0) return false;",
      "  if (n < 0) { releaseObject(vertexShader); return false; }",
    ),
    leakCase(
      "a read helper returning `value || null` reads the box: its result never released, it leaks under its own name",
      OR_NULL_READ,
      { pointer: "locator", acquirer: "CoCreateInstance", reached: "the return at line 20" },
      [17, 7],
      "vcall(locator, 2, ReleaseProto)",
      "  const n = vcall(locator, 3, ReleaseProto);\n  return n;\n",
    ),
    leakCase(
      "koffi.decode(out, 0, 'void*'), a read at offset 0, reads the box: never released, it leaks under its own name",
      OFFSET_ZERO_READ,
      { pointer: "locator", acquirer: "CoCreateInstance", reached: "the return at line 22" },
      [19, 7],
      "vcall(locator, 2, ReleaseProto)",
      "  const n = vcall(locator, 3, ReleaseProto);\n  return n;\n",
    ),
    ...Object.entries(BOXES).map(([name, box]) => {
      const lines = (box.more ?? "").split("\n").length - 1 + (box.make.includes("\n") ? 1 : 0);
      return leakCase(`${name}: never released`, (end) => SESSION(box, end), { pointer: "session", acquirer: "SLOT_CREATE_SESSION", reached: `the return at line ${17 + lines}` }, [14 + lines, 7], "vtableCall(session, SLOT_RELEASE, [])", WRAPPED);
    }),
    leakCase(
      "a file whose only box is new Uint8Array(8) read through a DataView, with no Release slot constant: analysed, and its leak reported",
      BYTE_BOX_ONLY,
      { pointer: "session", acquirer: "vtableCall", reached: "the return at line 14" },
      [11, 7],
      "vtableCall(session, 2, [])",
      "  const size = vtableCall(session, 7, []);\n  return size;\n",
    ),
    leakCase(
      "a box reused for a second call: passing it again does not hand on the pointer read from it before, which is never released",
      REUSED,
      { pointer: "device", acquirer: "SLOT_GET_DEFAULT_ENDPOINT", reached: "the return at line 19" },
      [14, 12],
      "release(device)",
      "  hr = comCall(device, SLOT_ACTIVATE, [23, null, ptr(out)]);\n  if (hr === 0) release(Number(out[0]));\n  return hr === 0;\n",
    ),
  ],
};
