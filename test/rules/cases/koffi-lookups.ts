/**
 * koffi code that looks a method up in an object's own vtable with a small helper of its own
 * (`vtableSlot(p, 2)`: two `koffi.decode`s) and calls it with `koffi.call(fn, proto, p, ...)`, and wraps
 * "call a slot with an out box, check, return the pointer" in a helper (`outPtr(obj, slot, what)`) that
 * WinRT code also uses for HSTRINGs: each call of it is judged by what that call's result becomes.
 */
import { leakCase, releasedInFinally } from "./leaks";
import type { RuleCases } from "./types";

/** Released with the bare IUnknown slot looked up in the object's own vtable; the prototype's name names no method. */
const BARE_SLOT = (end: string) => `import koffi from "koffi";
const CoCreateInstance = koffi.load("ole32.dll").func("int __stdcall CoCreateInstance(void *c, void *o, uint32_t x, void *i, _Out_ void **ppv)");
const ReleaseProto = koffi.proto("uint32_t __stdcall ReleaseFn(void *self)");
const CountProto = koffi.proto("int __stdcall CountFn(void *self, _Out_ uint32_t *n)");
function vtableSlot(instance: unknown, index: number): unknown {
  return koffi.decode(koffi.decode(instance, "void *"), index * 8, "void *");
}
export function dispose(p: unknown): void {
  koffi.call(vtableSlot(p, 2), ReleaseProto, p);
}
export function count(clsid: unknown, iid: unknown): number {
  const out: unknown[] = [null];
  if (CoCreateInstance(clsid, null, 1, iid, out) !== 0) return -1;
  const obj = out[0];
  const n = [0];
  koffi.call(vtableSlot(obj, 3), CountProto, obj, n);
${end}  return n[0];
}
`;

/** One out helper for interface pointers and for HSTRINGs, which the file deletes as strings (itself, or in `takeString`). */
const OUT_HELPER = (end: string) => `import koffi from "koffi";
const OutPtr = koffi.proto("int __stdcall OutPtr(void *self, _Out_ void **out)");
const OutU32 = koffi.proto("int __stdcall OutU32(void *self, _Out_ uint32 *out)");
const Release = koffi.proto("uint32 __stdcall Release(void *self)");
const WindowsDeleteString = koffi.load("combase.dll").func("int __stdcall WindowsDeleteString(void *s)");
function check(hr: number, what: string): void {
  if (hr < 0) throw new Error(what);
}
function slot(obj: unknown, index: number): unknown {
  return koffi.decode(koffi.decode(obj, "void *"), index * 8, "void *");
}
export function release(obj: unknown): void {
  if (obj) koffi.call(slot(obj, 2), Release, obj);
}
function outPtr(obj: unknown, index: number, what: string): unknown {
  const out: unknown[] = [null];
  check(koffi.call(slot(obj, index), OutPtr, obj, out) as number, what);
  return out[0];
}
export function appId(session: unknown): void {
  const h = outPtr(session, 6, "SourceAppUserModelId");
  WindowsDeleteString(h);
}
export function stop(session: unknown): number {
  const op = outPtr(session, 12, "TryStopAsync");
  const status = [0];
  check(koffi.call(slot(op, 7), OutU32, op, status) as number, "status");
${end}  return status[0];
}
function takeString(h: unknown): string {
  const text = String(h);
  WindowsDeleteString(h);
  return text;
}
export function displayName(session: unknown): string {
  return takeString(outPtr(session, 7, "DisplayName"));
}
`;

/** The vtable read once into a constant, its slots looked up there (`slot(vtbl, 20)`) and called on the object. */
const VTABLE_ONCE = (end: string) => `const koffi = require("koffi");
const ole32 = koffi.load("ole32.dll");
const CoCreateInstance = ole32.func("int CoCreateInstance(void *clsid, void *outer, uint32 ctx, void *riid, _Out_ void **ppv)");
const pSetPath = koffi.proto("int SetPath(void *self, str16 file)");
const pRelease = koffi.proto("uint32 ReleaseFn(void *self)");
const slot = (vtbl, i) => koffi.decode(vtbl, i * 8, "void *");
function setPath(clsid, iid, target) {
  const ppv = koffi.alloc("void *", 1);
  if (CoCreateInstance(clsid, null, 1, iid, ppv) !== 0) throw new Error("create");
  const link = koffi.decode(ppv, "void *");
  const vtbl = koffi.decode(link, "void *");
  const hr = koffi.call(slot(vtbl, 20), pSetPath, link, target);
${end}  return hr;
}
module.exports = { setPath };
`;

/** An export filling two boxes, the interface pointer right after the IID and a child PIDL last (`SHBindToParent`). */
const BIND_TO_PARENT = (end: string) => `import koffi from "koffi";
const shell32 = koffi.load("shell32.dll");
const SHBindToParent = shell32.func("int __stdcall SHBindToParent(void*, void*, _Out_ void**, void*)");
const P = koffi.proto("uint32 __stdcall Release(void*)");
function vcall(ptr: unknown, index: number, proto: unknown, ...args: unknown[]) {
  const vtbl = koffi.decode(ptr, "void*");
  return koffi.call(koffi.decode(vtbl, index * 8, "void*"), proto as never, ptr, ...args);
}
export function displayName(pidl: unknown, iidShellFolder: Buffer) {
  const outSf: unknown[] = [null];
  const childBuf = Buffer.alloc(8);
  if (SHBindToParent(pidl, iidShellFolder, outSf, childBuf) !== 0 || !outSf[0]) return null;
  const folder = outSf[0];
  const child = childBuf.readBigUInt64LE(0);
  const name = vcall(folder, 10, P, child);
${end}  return name;
}
`;

/** An export filling two interface boxes and a level (`D3D11CreateDevice`); `early` runs before the level test. */
const DEVICE_AND_CONTEXT = (early: string) => `import koffi from "koffi";
const D3D11CreateDevice = koffi.load("d3d11.dll").func("int32 __stdcall D3D11CreateDevice(void *a, int32 t, void *s, uint32 f, void *l, uint32 n, uint32 sdk, _Out_ void **dev, _Out_ int32 *lvl, _Out_ void **ctx)");
const P = koffi.proto("uint32 __stdcall Drop(void *self)");
function vtblCall(obj: unknown, index: number, proto: unknown, ...args: unknown[]) {
  const vtbl = koffi.decode(obj, "void *");
  return koffi.call(koffi.decode(vtbl, index * 8, "void *"), proto as never, obj, ...args);
}
function release(obj: unknown) {
  if (obj) vtblCall(obj, 2, P);
}
export function level(wanted: number) {
  const dev: unknown[] = [null];
  const lvl = [0];
  const ctx: unknown[] = [null];
  if (D3D11CreateDevice(null, 1, null, 0, null, 0, 7, dev, lvl, ctx) < 0) return null;
  const device = dev[0];
  const context = ctx[0];
${early}  if (lvl[0] < wanted) return null;
  release(context);
  release(device);
  return lvl[0];
}
`;

/** A helper returning the object with its vtable; the caller calls a named slot of it (`SLOT.Save`) on the object. */
const NAMED_SLOT = (end: string) => `const koffi = require("koffi");
const ole32 = koffi.load("ole32.dll");
const CoCreateInstance = ole32.func("int CoCreateInstance(void *clsid, void *outer, uint32 ctx, void *riid, _Out_ void **ppv)");
const pSave = koffi.proto("int Save(void *self, str16 file, int remember)");
const pRelease = koffi.proto("uint32 ReleaseFn(void *self)");
const SLOT = { Release: 2, Save: 6 };
const slot = (vtbl, i) => koffi.decode(vtbl, i * 8, "void *");
function open(clsid, iid) {
  const ppv = koffi.alloc("void *", 1);
  if (CoCreateInstance(clsid, null, 1, iid, ppv) !== 0) throw new Error("create");
  const file = koffi.decode(ppv, "void *");
  return { file, vtbl: koffi.decode(file, "void *") };
}
function save(clsid, iid, path) {
  const { file, vtbl } = open(clsid, iid);
  const hr = koffi.call(slot(vtbl, SLOT.Save), pSave, file, path, 1);
${end}  return hr;
}
module.exports = { save };
`;

/** The vtable read once, a method's address read at its byte offset with koffi itself (`koffi.decode(vtbl, 2 * 8, 'void *')`). */
export const DECODED_AT_OFFSET = (end: string) => `const koffi = require("koffi");
const CoCreateInstance = koffi.load("ole32.dll").func("int __stdcall CoCreateInstance(void *c, void *o, uint x, void *i, _Out_ void **ppv)");
const IsOnCurrent = koffi.proto("int __stdcall IsOnCurrent(void *self, void *hwnd, _Out_ int *on)");
const ReleaseProto = koffi.proto("uint __stdcall DiagRelease(void *self)");
function onCurrent(clsid, iid, hwnd) {
  const ppv = [null];
  if (CoCreateInstance(clsid, null, 0x17, iid, ppv) !== 0) return null;
  const mgr = ppv[0];
  const vtbl = koffi.decode(mgr, "void *");
  const out = [0];
  koffi.call(koffi.decode(vtbl, 3 * 8, "void *"), IsOnCurrent, mgr, hwnd, out);
${end}  return out[0];
}
module.exports = { onCurrent };
`;

/**
 * A dispatcher given each method's declaration as a string (a public koffi volume control): Release's kept in a
 * constant (\`const RELEASE_PROTO = 'uint32 Release(void *self)'\`), which names the method slot 2 holds.
 */
const PROTO_STRING = (end: string) => `declare const koffi: any;
function vtableFn(objPtr: unknown, slot: number): unknown {
  const vt = koffi.decode(objPtr, "void *");
  return koffi.decode(vt, slot * 8, "void *");
}
function callSlot(objPtr: unknown, slot: number, protoText: string, ...args: unknown[]): number {
  return koffi.call(vtableFn(objPtr, slot), koffi.proto(protoText), objPtr, ...args);
}
const RELEASE_PROTO = "uint32 Release(void *self)";
const GET_PROTO = "int GetMute(void *self, _Out_ int *muted)";
export function muted(enumerator: unknown): number {
  const slot = [null];
  if (callSlot(enumerator, 4, "int GetDefaultAudioEndpoint(void *self, int f, int r, _Out_ void **pp)", 0, 1, slot) !== 0) return 0;
  const dev = slot[0];
  const out = [0];
  callSlot(dev, 15, GET_PROTO, out);
${end}  return out[0];
}
`;

/**
 * The object passed to its vtable's function through koffi's cast (a public koffi WMI client): `koffi.as(p, 'void*')`,
 * inline or in a one-line helper; the method read from an array decode of the vtable (`koffi.decode(vtbl, 'void*', n)`).
 */
const CAST_SELF = (end: string) => `import koffi from "koffi";
const CoCreateInstance = koffi.load("ole32.dll").func("__stdcall", "CoCreateInstance", "int32_t", ["const void*", "void*", "uint32_t", "const void*", "_Out_ void **"]);
const releaseMethod = koffi.proto("__stdcall", "uint32_t", ["void*"]);
const countMethod = koffi.proto("__stdcall", "int32_t", ["void*", "_Out_ uint32_t *"]);
function methodAddress(p: bigint, index: number): bigint {
  return (koffi.decode(koffi.decode(p, "void*"), "void*", index + 1) as bigint[])[index];
}
const asVoidPointer = (p: bigint | null): unknown => koffi.as(p, "void*");
function releaseComObject(p: bigint | null): void {
  if (p) koffi.call(methodAddress(p, 2), releaseMethod, asVoidPointer(p));
}
export function count(clsid: Buffer, iid: Buffer): number {
  const out = koffi.alloc("void*", 1);
  if (CoCreateInstance(clsid, null, 1, iid, out) < 0) return -1;
  const loc = koffi.decode(out, "void*") as bigint;
  const n = [0];
  koffi.call(methodAddress(loc, 3), countMethod, koffi.as(loc, "void*"), n);
${end}  return n[0];
}
`;

/** A dispatcher taking each method's prototype, whose names end in the method's (`PageRelease`, a public koffi MSAA client's). */
const NAMED_PROTOTYPES = (end: string) => `import koffi from "koffi";
const oleacc = koffi.load("oleacc.dll");
const fromWindow = oleacc.func("int32 __stdcall AccessibleObjectFromWindow(void *hwnd, uint32 id, void *riid, _Out_ void **result)");
const focusResult = koffi.proto("int32 __stdcall PageFocus(void *self, _Out_ void *value)");
const releaseResult = koffi.proto("uint32 __stdcall PageRelease(void *self)");
const call = (element: unknown, index: number, type: unknown, ...args: unknown[]) => {
  const table = koffi.decode(element, "void *");
  return koffi.call(koffi.decode(table, index * koffi.sizeof("void *"), "void *"), type, element, ...args);
};
export function focused(hwnd: unknown, iid: Buffer): boolean {
  const element = [null];
  if (fromWindow(hwnd, 0xfffffffc, iid, element) < 0 || !element[0]) return false;
  const value = Buffer.alloc(24);
  const ok = call(element[0], 18, focusResult, value) === 0;
${end}  return ok;
}
`;

/** An HRESULT test helper that converts first (`(hr) => Number(hr) >= 0`, a public GameInput client's). */
const CONVERTING_TEST = `const koffi = require("koffi");
const ReleaseProto = koffi.proto("uint32_t __stdcall Release(void *self)");
const GameInputInitialize = koffi.load("GameInput.dll").func("int32_t __stdcall GameInputInitialize(const void *riid, _Out_ void **ppv)");
const succeeded = (hr) => Number(hr) >= 0;
function release(p) { koffi.call(koffi.decode(koffi.decode(p, "void *"), 16, "void *"), ReleaseProto, p); }
function create(iid) {
  const out = [null];
  const hr = GameInputInitialize(iid, out);
  if (!succeeded(hr)) throw new Error("GameInputInitialize failed");
  release(out[0]);
}
module.exports = { create };
`;

/** A file that releases nothing, whose only helper taking a slot calls one kind of method (its prototype fixed: `GetInt32Proto`). */
const FIXED_PROTOTYPE_HELPER = `import koffi from "koffi";
const ReleaseProto = koffi.proto("unsigned long __stdcall Release(void *self)");
const QueryInterfaceProto = koffi.proto("long __stdcall QueryInterface(void *self, const void *iid, _Out_ void **out)");
const GetInt32Proto = koffi.proto("long __stdcall GetInt32(void *self, _Out_ int32_t *value)");
const SLOT_RELEASE = 2;
function slot(iface: unknown, index: number): unknown {
  return koffi.decode(koffi.decode(iface, "void *"), index * 8, "void *");
}
export function queryInterface(iface: unknown, iid: Buffer): unknown {
  const out: unknown[] = [null];
  return koffi.call(slot(iface, 0), QueryInterfaceProto, iface, iid, out) === 0 ? out[0] : null;
}
export function callForInt32(iface: unknown, index: number): number | null {
  const out = [0];
  return koffi.call(slot(iface, index), GetInt32Proto, iface, out) === 0 ? out[0] : null;
}
export function status(operation: unknown, iid: Buffer): number | null {
  const info = queryInterface(operation, iid);
  if (info === null) return null;
  return callForInt32(info, 7);
}
`;

/** Methods looked up with their declaration as a string (`decodeComMethod(p, 4, "int32_t __stdcall GetX(...)")(p)`, a public GameInput client's). */
const DECLARATION_STRINGS = (end: string) => `const koffi = require("koffi");
const RELEASE_SLOT = 2;
function decodeComMethod(ptr, index, signature) {
  const vtable = koffi.decode(ptr, "void *");
  const methodPtr = koffi.decode(vtable, index * 8, "void *");
  return koffi.decode(methodPtr, koffi.proto(signature));
}
function poll(gameInput) {
  const GetCurrentReading = decodeComMethod(gameInput, 4, "int32_t __stdcall GetCurrentReading(void *self, uint32_t kind, void *device, _Out_ void **reading)");
  const out = [null];
  if (GetCurrentReading(gameInput, 4, null, out) < 0 || !out[0]) return null;
  const reading = out[0];
  const GetTimestamp = decodeComMethod(reading, 4, "uint64_t __stdcall GetTimestamp(void *self)");
${end}  return GetTimestamp(reading);
}
module.exports = { poll };
`;

/**
 * A lookup helper that decodes the method with its prototype (`vtableSlot(p, 2, ReleaseProto)`, koffi's four-argument
 * `koffi.proto("__stdcall", "ReleaseFn", ...)`), whose result a function's own constant holds (`const Release =
 * vtableSlot(other, 2, ReleaseProto); Release(other)`, `other` the file's only release when `otherRelease` is set).
 */
const DECODED_LOOKUP = (end: string, otherRelease = false) => `import koffi from "koffi";
const SHCreateItemFromParsingName = koffi.load("shell32.dll").func("__stdcall", "SHCreateItemFromParsingName", "long", ["str16", "void *", "void *", koffi.out(koffi.pointer("void *"))]);
const GetImageProto = koffi.proto("__stdcall", "GetImageFn", "long", ["void *", "int32", "int32", koffi.out(koffi.pointer("void *"))]);
const ReleaseProto = koffi.proto("__stdcall", "ReleaseFn", "uint32", ["void *"]);
function vtableSlot(objPtr: unknown, index: number, proto: unknown): any {
  const vtablePtr = koffi.decode(objPtr, "void *");
  const slotPtr = koffi.decode(vtablePtr, index * 8, "void *");
  return koffi.decode(slotPtr, proto);
}
${otherRelease ? "export function releaseOther(other: unknown): void {\n  const Release = vtableSlot(other, 2, ReleaseProto);\n  Release(other);\n}\n" : ""}export function imageResult(absPath: string, iid: unknown, size: number): number {
  const itemOut: unknown[] = [null];
  if (SHCreateItemFromParsingName(absPath, null, iid, itemOut) !== 0 || !itemOut[0]) return -1;
  const item = itemOut[0];
  const GetImage = vtableSlot(item, 3, GetImageProto);
  const hbmOut: unknown[] = [null];
  const hrImg = GetImage(item, size, 0, hbmOut);
${end}  return hrImg;
}
`;
const DECODED_WRAPPED = "  const GetImage = vtableSlot(item, 3, GetImageProto);\n  const hbmOut: unknown[] = [null];\n  const hrImg = GetImage(item, size, 0, hbmOut);\n  return hrImg;\n";

/** A walk whose loop `finally` releases each child and breaks when there is no next one: the loop's own exit leaks the first. */
const WALK_BREAK = `import koffi from "koffi";
const firstChildProto = koffi.proto("int __stdcall UiaGetFirstChild(void *self, void *element, _Out_ void **child)");
const nextSiblingProto = koffi.proto("int __stdcall UiaGetNextSibling(void *self, void *element, _Out_ void **next)");
const releaseProto = koffi.proto("uint32_t __stdcall UiaRelease(void *self)");
const MAX_NODES = 50;
function invoke(target: unknown, slot: number, method: ReturnType<typeof koffi.proto>, args: unknown[]): number {
  const vtable = koffi.decode(target, "void *");
  const fn = koffi.decode(koffi.decode(vtable, slot * 8, "void *"), method) as (...inner: unknown[]) => number;
  return fn(...args);
}
function release(target: unknown) {
  if (!target) return;
  invoke(target, 2, releaseProto, [target]);
}
function firstChild(walker: unknown, element: unknown): unknown {
  const out = [null];
  if (invoke(walker, 4, firstChildProto, [walker, element, out]) < 0) return null;
  return out[0];
}
function nextSibling(walker: unknown, element: unknown): unknown {
  const out = [null];
  if (invoke(walker, 6, nextSiblingProto, [walker, element, out]) < 0) return null;
  return out[0];
}
export function walk(walker: unknown, element: unknown, state: { count: number }): string {
  state.count += 1;
  let child = firstChild(walker, element);
  while (child && state.count < MAX_NODES) {
    let sibling: unknown = null;
    try {
      state.count += 1;
      if (state.count < MAX_NODES) sibling = nextSibling(walker, child);
    } finally {
      release(child);
    }
    if (!sibling) break;
    child = sibling;
  }
  return "";
}
`;

/** A dispatcher scaling its slot by a pointer size the architecture picks (`const POINTER = process.arch === "ia32" ? 4 : 8`). */
const ARCH_POINTER = (end: string) => `import koffi from "koffi";
const POINTER = process.arch === "ia32" ? 4 : 8;
function invoke(target: unknown, slot: number, method: ReturnType<typeof koffi.proto>, args: unknown[]): number {
  const vtable = koffi.decode(target, "void *");
  const fnPtr = koffi.decode(vtable, slot * POINTER, "void *");
  const fn = koffi.decode(fnPtr, method) as (...inner: unknown[]) => number;
  return fn(...args);
}
const releaseProto = koffi.proto("uint32_t __stdcall UiaRelease(void *self)");
const currentPatternProto = koffi.proto("int __stdcall UiaGetCurrentPattern(void *self, int patternId, _Out_ void **pattern)");
const currentValueProto = koffi.proto("int __stdcall UiaGetCurrentValue(void *self, _Out_ void **value)");
function release(target: unknown) {
  if (!target) return;
  try {
    invoke(target, 2, releaseProto, [target]);
  } catch {}
}
export function addressValue(element: unknown): number {
  const pattern = [null];
  const hr = invoke(element, 16, currentPatternProto, [element, 10002, pattern]);
  if ((hr | 0) < 0 || !pattern[0]) return -1;
  const value = [0];
  const valueHr = invoke(pattern[0], 4, currentValueProto, [pattern[0], value]);
${end}  return valueHr < 0 ? -1 : value[0];
}
`;
const ARCH_RELEASE = "invoke(pattern[0], 2, releaseProto, [pattern[0]])";

/** A QueryInterface and a Release helper that decode each method from its slot and call it at once. */
const DECODED_HELPERS = `function queryInterface(iface: any, iid: Buffer): any {
  const fn = koffi.decode(vtableSlot(iface, 0), proto("int32 __stdcall ComQueryInterface(void *self, void *iid, _Out_ void **result)"));
  const result = [null];
  if (fn(iface, iid, result) !== 0 || !result[0]) throw new Error("QueryInterface failed");
  return result[0];
}
function release(iface: any): void {
  koffi.decode(vtableSlot(iface, 2), proto("uint32 __stdcall ComRelease(void *self)"))(iface);
}
`;

/**
 * A method decoded from its vtable slot into a function (`const getStatus = koffi.decode(vtableSlot(info, 7),
 * proto("..."))`, the table read as an array: `koffi.decode(vtable, "void *", index + 1)[index]`), called with its object.
 */
const DECODED_CALL = (end: string) => `import koffi from "koffi";
function proto(signature: string): any {
  return koffi.proto(signature);
}
function vtableSlot(iface: any, index: number): number {
  const vtable = koffi.decode(iface, "void *");
  return koffi.decode(vtable, "void *", index + 1)[index];
}
${DECODED_HELPERS}export function drop(iface: any): void {
  release(iface);
}
export function status(asyncOp: any, iid: Buffer): number {
  const info = queryInterface(asyncOp, iid);
  const getStatus = koffi.decode(vtableSlot(info, 7), proto("int32 __stdcall get_Status(void *self, _Out_ int32 *status)"));
  const statusOut = [0];
  const hr = getStatus(info, statusOut);
${end}  return hr !== 0 ? -1 : statusOut[0];
}
`;

/** An acquire helper that is a method of the file's class (`this.getFocusedElement()`), its result used as a COM object. */
const METHOD_HELPER = (end: string) => `import koffi from "koffi";
function vcall(object: unknown, slot: number, prototype: unknown, ...args: unknown[]): number {
  const vtable = koffi.decode(object, "void *");
  return koffi.call(koffi.decode(vtable, slot * 8, "void *"), prototype, object, ...args);
}
const P = koffi.proto("int __stdcall P(void *self, _Out_ void **out)");
const Q = koffi.proto("int __stdcall Q(void *self, _Out_ int *n)");
const PROTOS = { release: koffi.proto("uint32_t __stdcall TC_Release(void *self)") };
export class Bindings {
  constructor(private readonly automation: unknown) {}
  release(object: unknown): void {
    if (!object) return;
    vcall(object, 2, PROTOS.release);
  }
  getFocusedElement(): unknown {
    const out: unknown[] = [null];
    if (vcall(this.automation, 8, P, out) < 0) throw new Error("GetFocusedElement");
    return out[0];
  }
  focusedType(): number | null {
    const focused = this.getFocusedElement();
    if (!focused) return null;
    const n = [0];
    vcall(focused, 21, Q, n);
${end}    return n[0];
  }
}
`;

/**
 * Two functions each with a local \`release\`: CoreFoundation's \`CFRelease\` bound with \`core.func(...)\` (no lookup of a
 * vtable slot) and a COM release arrow. \`end\` runs before the Windows function's return.
 */
const TWO_RELEASES = (end: string) => `import koffi from "koffi";

type NativePointer = bigint | null;

export function macPart(): void {
  const core = koffi.load("/System/Library/Frameworks/CoreFoundation.framework/CoreFoundation");
  const createString = core.func("void *CFStringCreateWithCString(void *allocator, const char *value, uint32 encoding)");
  const release = core.func("void CFRelease(void *value)");
  const text = createString(null, "x", 0x08000100);
  if (text) release(text);
}

export function windowsPart(extension: string): number {
  const shell = koffi.load("shell32.dll");
  const enumerate = shell.func("int32 __stdcall SHAssocEnumHandlers(str16 extension, uint32 filter, _Out_ void **enumerator)");
  const releasePrototype = koffi.proto("__stdcall", "uint32", ["void *"]);
  const nextPrototype = koffi.proto("__stdcall", "int32", ["void *", "uint32", koffi.out("void **"), koffi.out("uint32 *")]);
  const call = (object: NativePointer, index: number, prototype: import("koffi").TypeObject, ...args: unknown[]): number => {
    if (!object) throw new Error("Missing Shell interface");
    const vtable = koffi.decode(object, "void *");
    const method = koffi.decode(vtable, index * 8, "void *");
    return Number(koffi.call(method, prototype, object, ...args));
  };
  const release = (object: NativePointer) => { if (object) call(object, 2, releasePrototype); };
  const enumerator: NativePointer[] = [null];
  if (Number(enumerate(extension, 0, enumerator)) < 0) return -1;
  const handler: NativePointer[] = [null];
  const fetched = [0];
  call(enumerator[0], 3, nextPrototype, 1, handler, fetched);
  release(handler[0]);
${end}  return fetched[0];
}
`;

/** The object's vtable read at an explicit offset 0 (\`koffi.decode(storePtr, 0, "void *")\`), its slots read once. */
const ZERO_OFFSET_VTABLE = (end: string) => `import koffi from "koffi";
const getStore = koffi.load("shell32.dll").func("long __stdcall SHGetPropertyStoreForWindow(uintptr_t hwnd, void *riid, void **ppv)");
const IID_IPropertyStore = Buffer.alloc(16);
export function apply(hwnd: number): void {
  const ppv = Buffer.alloc(8);
  if (getStore(hwnd, IID_IPropertyStore, ppv) !== 0) return;
  const storePtr = koffi.decode(ppv, 0, "void *");
  if (!storePtr) return;
  const vtable = koffi.decode(storePtr, 0, "void *");
  const releasePtr = koffi.decode(vtable, 2 * 8, "void *");
  const commitPtr = koffi.decode(vtable, 7 * 8, "void *");
  const releaseProto = koffi.proto("__stdcall", "IPropertyStore_Release", "uint32", ["void *"]);
  const commitProto = koffi.proto("__stdcall", "IPropertyStore_Commit", "long", ["void *"]);
  koffi.call(commitPtr, commitProto, storePtr);
${end}}
`;

/** An early return before the Release slot and its prototype are read into constants (\`const releasePtr = ...\`). */
const RELEASE_READ_LATE = `import koffi from "koffi";
const getStore = koffi.load("shell32.dll").func("long __stdcall SHGetPropertyStoreForWindow(uintptr_t hwnd, void *riid, void **ppv)");
const IID_IPropertyStore = Buffer.alloc(16);
export function apply(hwnd: number, enabled: boolean): void {
  const ppv = Buffer.alloc(8);
  if (getStore(hwnd, IID_IPropertyStore, ppv) !== 0) return;
  const storePtr = koffi.decode(ppv, 0, "void *");
  if (!storePtr) return;
  const vtable = koffi.decode(storePtr, 0, "void *");
  if (!enabled) return;
  const releasePtr = koffi.decode(vtable, 2 * 8, "void *");
  const commitPtr = koffi.decode(vtable, 7 * 8, "void *");
  const releaseProto = koffi.proto("__stdcall", "IPropertyStore_Release", "uint32", ["void *"]);
  const commitProto = koffi.proto("__stdcall", "IPropertyStore_Commit", "long", ["void *"]);
  koffi.call(commitPtr, commitProto, storePtr);
  koffi.call(releasePtr, releaseProto, storePtr);
}
`;

/** A release helper (never called) that decodes Release from its slot and calls it at once on its parameter. */
const DECODED_AT_ONCE = (end: string) => `import koffi from "koffi";
const proto = (decl: string) => koffi.proto(decl);
function vtableSlot(iface: any, index: number): any {
  const vtable = koffi.decode(iface, "void *");
  return koffi.decode(vtable, index * 8, "void *");
}
${DECODED_HELPERS}export function status(asyncOp: any, iid: Buffer): number {
  const info = queryInterface(asyncOp, iid);
  const getStatus = koffi.decode(vtableSlot(info, 7), proto("int32 __stdcall get_Status(void *self, _Out_ int32 *status)"));
  const statusOut = [0];
  const hr = getStatus(info, statusOut);
${end}  return hr !== 0 ? -1 : statusOut[0];
}
`;
/** A constant named for Release whose prototype declares another function (\`ReleaseStgMedium\`). */
const NOT_RELEASE_PROTO = `import koffi from "koffi";
const SHCreateItemFromParsingName = koffi.load("shell32.dll").func("__stdcall", "SHCreateItemFromParsingName", "long", ["str16", "void *", "void *", koffi.out(koffi.pointer("void *"))]);
const GetImageProto = koffi.proto("__stdcall", "GetImageFn", "long", ["void *", "int32", "int32", koffi.out(koffi.pointer("void *"))]);
const ReleaseFn = koffi.proto("__stdcall", "ReleaseStgMedium", "void", ["void *"]);
function vtableSlot(objPtr: unknown, index: number, proto: unknown): any {
  const vtablePtr = koffi.decode(objPtr, "void *");
  const slotPtr = koffi.decode(vtablePtr, index * 8, "void *");
  return koffi.decode(slotPtr, proto);
}
export function imageResult(absPath: string, iid: unknown, size: number): number {
  const itemOut: unknown[] = [null];
  if (SHCreateItemFromParsingName(absPath, null, iid, itemOut) !== 0 || !itemOut[0]) return -1;
  const item = itemOut[0];
  const GetImage = vtableSlot(item, 3, GetImageProto);
  const hbmOut: unknown[] = [null];
  const hrImg = GetImage(item, size, 0, hbmOut);
  return hrImg;
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a vtable read at an explicit offset 0 (koffi.decode(p, 0, 'void *')), its Release slot called on p: released", code: ZERO_OFFSET_VTABLE("  koffi.call(releasePtr, releaseProto, storePtr);\n") },
    { name: "two functions' own release bindings (CFRelease and a COM arrow): the COM object released with the arrow", code: TWO_RELEASES("  release(enumerator[0]);\n") },
    { name: "an acquire helper that is a method of the class (this.getFocusedElement()): its result released", code: METHOD_HELPER("    this.release(focused);\n") },
    { name: "a method decoded from its slot into a function and called with its object: the object released", code: DECODED_CALL("  release(info);\n") },
    { name: "a dispatcher scaling its slot by an architecture's pointer size (POINTER): the box it fills, released", code: ARCH_POINTER(`  ${ARCH_RELEASE};\n`) },
    { name: "a Release looked up with its prototype into a constant of the function, called: released", code: DECODED_LOOKUP("  const Release = vtableSlot(item, 2, ReleaseProto);\n  Release(item);\n") },
    { name: "a method lookup given declarations as strings releases with Release's (decodeComMethod(p, RELEASE_SLOT, \"uint32_t __stdcall Release(void *self)\")(p))", code: DECLARATION_STRINGS('  decodeComMethod(reading, RELEASE_SLOT, "uint32_t __stdcall Release(void *self)")(reading);\n') },
    { name: "an HRESULT test helper that converts first ((hr) => Number(hr) >= 0) is a test: its failure throws before anything is acquired", code: CONVERTING_TEST },
    { name: "a dispatcher given the prototype declared as PageRelease at slot 2 releases the object", code: NAMED_PROTOTYPES("  call(element[0], 2, releaseResult);\n") },
    { name: "the object cast for its vtable's function (koffi.as(p, 'void*') in a helper of the file) is still the object: releaseComObject releases it", code: CAST_SELF("  releaseComObject(loc);\n") },
    { name: "koffi.call(methodAddress(loc, 2), proto, koffi.as(loc, 'void*')): slot 2 of the object's own vtable, called on the object cast inline, is its Release", code: CAST_SELF('  koffi.call(methodAddress(loc, 2), releaseMethod, koffi.as(loc, "void*"));\n') },
    { name: "a dispatcher given Release's declaration kept in a constant (callSlot(dev, 2, RELEASE_PROTO), RELEASE_PROTO = 'uint32 Release(void *self)') releases dev", code: PROTO_STRING("  callSlot(dev, 2, RELEASE_PROTO);\n") },
    { name: "koffi's own read of the vtable at slot 2's byte offset (koffi.decode(vtbl, 2 * 8, 'void *')), kept in a constant and called on the object, is its Release", code: DECODED_AT_OFFSET('  const fnRelease = koffi.decode(vtbl, 2 * 8, "void *");\n  koffi.call(fnRelease, ReleaseProto, mgr);\n') },
    { name: "the same Release at byte offset 16 in a closure kept for later (releaseMgr = () => koffi.call(fnRelease, proto, mgr)) hands mgr to it", code: DECODED_AT_OFFSET('  const fnRelease = koffi.decode(vtbl, 16, "void *");\n  module.exports.stop = () => koffi.call(fnRelease, ReleaseProto, mgr);\n') },
    { name: "koffi.call(vtableSlot(obj, 2), ReleaseProto, obj): the bare IUnknown slot 2, looked up in the object's own vtable, is its Release", code: BARE_SLOT("  koffi.call(vtableSlot(obj, 2), ReleaseProto, obj);\n") },
    { name: "the Release looked up into a constant first (const release = vtableSlot(obj, 2); koffi.call(release, ReleaseProto, obj)) releases obj", code: BARE_SLOT("  const release = vtableSlot(obj, 2);\n  koffi.call(release, ReleaseProto, obj);\n") },
    { name: "an out helper's calls whose results the file deletes as strings (WindowsDeleteString, or a function of the file that does) owe no Release, while its other calls hand out COM objects", code: OUT_HELPER("  release(op);\n") },
    { name: "the vtable read once (const vtbl = koffi.decode(link, 'void *')) is the object's own: koffi.call(slot(vtbl, 2), proto, link) releases link", code: VTABLE_ONCE("  koffi.call(slot(vtbl, 2), pRelease, link);\n") },
    { name: "of an export's two boxes, the one right after the IID holds the interface (SHBindToParent): released, and the child PIDL in the last box is no COM object", code: BIND_TO_PARENT("  vcall(folder, 2, P);\n") },
    { name: "an export filling two interface boxes: both pointers released on every path", code: DEVICE_AND_CONTEXT("  if (lvl[0] === 0) {\n    release(context);\n    release(device);\n    return null;\n  }\n").replace("  if (lvl[0] < wanted) return null;\n", "") },
    { name: "koffi.call(slot(vtbl, SLOT.Save), proto, file) through a vtable returned beside the object calls a named method of file's: released after it, no report", code: NAMED_SLOT("  koffi.call(slot(vtbl, SLOT.Release), pRelease, file);\n") },
  ],
  invalid: [
    leakCase(
      "a release helper that decodes Release from its slot and calls it at once (koffi.decode(vtableSlot(p, 2), proto(...))(p)) gives the form the repair writes",
      DECODED_AT_ONCE,
      { pointer: "info", acquirer: "queryInterface", reached: "the return at line 21" },
      [17, 16],
      'koffi.decode(vtableSlot(info, 2), proto("uint32 __stdcall ComRelease(void *self)"))(info)',
      '  const getStatus = koffi.decode(vtableSlot(info, 7), proto("int32 __stdcall get_Status(void *self, _Out_ int32 *status)"));\n  const statusOut = [0];\n  const hr = getStatus(info, statusOut);\n  return hr !== 0 ? -1 : statusOut[0];\n',
    ),
    {
      name: "a prototype constant named ReleaseFn that declares ReleaseStgMedium is no Release's: the message's Release is a guess, with no repair",
      code: NOT_RELEASE_PROTO,
      errors: [{ messageId: "missingRelease", data: { pointer: "item", acquirer: "SHCreateItemFromParsingName", reached: "the return at line 17", release: "vtableSlot(item, 2)(item)" }, line: 12, column: 7, suggestions: [] }],
    },
    {
      name: "a leak at a return before the constants the file's Release names are declared: no repair (it would name them before their declaration)",
      code: RELEASE_READ_LATE,
      errors: [{ messageId: "missingRelease", data: { pointer: "storePtr", acquirer: "getStore", reached: "the return at line 10", release: "koffi.call(releasePtr, releaseProto, storePtr)" }, line: 6, column: 7, suggestions: [] }],
    },
    {
      name: "a vtable read at an explicit offset 0 (koffi.decode(p, 0, 'void *')) is p's own: p, used through it and never released, leaks",
      code: ZERO_OFFSET_VTABLE(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "storePtr", acquirer: "getStore", reached: "the end of the function at line 15", release: "storePtr.Release()" }, line: 6, column: 7 }],
    },
    leakCase(
      "a release bound to a native export in another function (const release = core.func('void CFRelease(...)')) is no lookup to inline: the repair calls release in scope",
      TWO_RELEASES,
      { pointer: "enumerator[0]", acquirer: "enumerate", reached: "the return at line 31" },
      [26, 14],
      "release(enumerator[0])",
      "  const handler: NativePointer[] = [null];\n  const fetched = [0];\n  call(enumerator[0], 3, nextPrototype, 1, handler, fetched);\n  release(handler[0]);\n  return fetched[0];\n",
    ),
    {
      name: "an acquire helper that is a method of the class (this.getFocusedElement()), told by its callers' use of the result: never released",
      code: METHOD_HELPER(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "focused", acquirer: "getFocusedElement", reached: "the return at line 25", release: "vcall(focused, 2, PROTOS.release)" },
          line: 21,
          column: 21,
          suggestions: [
            { messageId: "insertReleaseFinally", output: METHOD_HELPER("").replace("    const n = [0];\n    vcall(focused, 21, Q, n);\n    return n[0];\n", "    try {\n      const n = [0];\n      vcall(focused, 21, Q, n);\n      return n[0];\n    } finally {\n      vcall(focused, 2, PROTOS.release);\n    }\n") },
            { messageId: "insertReleaseAtExit", output: METHOD_HELPER("    vcall(focused, 2, PROTOS.release);\n") },
          ],
        },
      ],
    },
    leakCase(
      "a method decoded from its slot into a function and called with its object is a use, not an escape: the object never released",
      DECODED_CALL,
      { pointer: "info", acquirer: "queryInterface", reached: "the return at line 26" },
      [22, 16],
      "release(info)",
      '  const getStatus = koffi.decode(vtableSlot(info, 7), proto("int32 __stdcall get_Status(void *self, _Out_ int32 *status)"));\n  const statusOut = [0];\n  const hr = getStatus(info, statusOut);\n  return hr !== 0 ? -1 : statusOut[0];\n',
    ),
    {
      name: "a dispatcher scaling its slot by an architecture's pointer size (slot * POINTER): the box it fills, never released",
      code: ARCH_POINTER(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "pattern[0]", acquirer: "invoke", reached: "the return at line 24", release: ARCH_RELEASE },
          line: 20,
          column: 14,
          suggestions: [
            // (The test that leaves when the box is empty stays before the \`try\`: the \`finally\` runs only where it holds a pointer.)
            { messageId: "insertReleaseFinally", output: ARCH_POINTER("").replace("  const value = [0];\n  const valueHr = invoke(pattern[0], 4, currentValueProto, [pattern[0], value]);\n  return valueHr < 0 ? -1 : value[0];\n", `  try {\n    const value = [0];\n    const valueHr = invoke(pattern[0], 4, currentValueProto, [pattern[0], value]);\n    return valueHr < 0 ? -1 : value[0];\n  } finally {\n    ${ARCH_RELEASE};\n  }\n`) },
            { messageId: "insertReleaseAtExit", output: ARCH_POINTER(`  ${ARCH_RELEASE};\n`) },
          ],
        },
      ],
    },
    {
      name: "a leak at an exit that a break reaches with the pointer released already: no repair (a Release written there would run twice)",
      code: WALK_BREAK,
      errors: [{ messageId: "missingRelease", data: { pointer: "child", acquirer: "firstChild", reached: "the return at line 39", release: "release(child)" }, line: 27, column: 15, suggestions: [] }],
    },
    leakCase("a file that releases nothing and looks methods up with their prototypes (koffi.proto's four-argument form): the repair passes the Release prototype (ReleaseFn) to the lookup", (end) => DECODED_LOOKUP(end), { pointer: "item", acquirer: "SHCreateItemFromParsingName", reached: "the return at line 17" }, [12, 7], "vtableSlot(item, 2, ReleaseProto)(item)", DECODED_WRAPPED),
    leakCase("a file whose Release is a constant of another function (const Release = vtableSlot(other, 2, ReleaseProto)): the repair calls the lookup at once, not that constant", (end) => DECODED_LOOKUP(end, true), { pointer: "item", acquirer: "SHCreateItemFromParsingName", reached: "the return at line 21" }, [16, 7], "vtableSlot(item, 2, ReleaseProto)(item)", DECODED_WRAPPED),
    {
      name: "a file that releases nothing and looks methods up with their declarations as strings: the repair writes Release's declaration the same way (its quotes and calling convention)",
      code: DECLARATION_STRINGS(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "reading", acquirer: "GetCurrentReading", reached: "the return at line 14", release: 'decodeComMethod(reading, RELEASE_SLOT, "uint32_t __stdcall Release(void *self)")(reading)' },
          line: 11,
          column: 7,
          suggestions: [{ messageId: "insertReleaseFinally", output: releasedInFinally(DECLARATION_STRINGS(""), '  const GetTimestamp = decodeComMethod(reading, 4, "uint64_t __stdcall GetTimestamp(void *self)");\n  return GetTimestamp(reading);\n', 'decodeComMethod(reading, RELEASE_SLOT, "uint32_t __stdcall Release(void *self)")(reading)') }],
        },
      ],
    },
    {
      name: "a helper of the file that calls one kind of method (its prototype fixed) is no dispatcher for a Release: the message names the method, and no repair is written through it",
      code: FIXED_PROTOTYPE_HELPER,
      errors: [{ messageId: "missingRelease", data: { pointer: "info", acquirer: "queryInterface", reached: "the return at line 20", release: "info.Release()" }, line: 18, column: 16 }],
    },
    leakCase(
      "a file that releases nothing, with a dispatcher taking prototypes: the repair calls it with the prototype whose declared name ends in Release (PageRelease)",
      NAMED_PROTOTYPES,
      { pointer: "element[0]", acquirer: "fromWindow", reached: "the return at line 15" },
      [12, 7],
      "call(element[0], 2, releaseResult)",
      "  const value = Buffer.alloc(24);\n  const ok = call(element[0], 18, focusResult, value) === 0;\n  return ok;\n",
    ),
    leakCase(
      "an object its vtable's functions are given cast (koffi.as(loc, 'void*')) is used by them, not handed on: never released, it leaks, and the repair writes the file's Release for it",
      CAST_SELF,
      { pointer: "loc", acquirer: "CoCreateInstance", reached: "the return at line 18" },
      [14, 7],
      'koffi.call(methodAddress(loc, 2), releaseMethod, asVoidPointer(loc))',
      '  const n = [0];\n  koffi.call(methodAddress(loc, 3), countMethod, koffi.as(loc, "void*"), n);\n  return n[0];\n',
    ),
    leakCase(
      "a dispatcher given declarations as strings: the leak's repair calls Release with the file's constant of its declaration (callSlot(dev, 2, RELEASE_PROTO))",
      PROTO_STRING,
      { pointer: "dev", acquirer: "callSlot", reached: "the return at line 17" },
      [13, 7],
      "callSlot(dev, 2, RELEASE_PROTO)",
      "  const out = [0];\n  callSlot(dev, 15, GET_PROTO, out);\n  return out[0];\n",
    ),
    leakCase(
      "a method looked up into a constant (const getCount = vtableSlot(obj, 3)) and called with koffi.call on the object uses it, not hands it on: never released, it leaks",
      (end) => BARE_SLOT(end).replace("  koffi.call(vtableSlot(obj, 3), CountProto, obj, n);\n", "  const getCount = vtableSlot(obj, 3);\n  koffi.call(getCount, CountProto, obj, n);\n"),
      { pointer: "obj", acquirer: "CoCreateInstance", reached: "the return at line 18" },
      [13, 7],
      "koffi.call(vtableSlot(obj, 2), ReleaseProto, obj)",
      "  const n = [0];\n  const getCount = vtableSlot(obj, 3);\n  koffi.call(getCount, CountProto, obj, n);\n  return n[0];\n",
    ),
    {
      name: "koffi.call(slot(vtbl, SLOT.Save), proto, file) is a method call on file (a named slot of another method), not a hand-off: never released, file leaks",
      code: NAMED_SLOT(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "file", acquirer: "open", reached: "the return at line 17", release: "file.Release()" }, line: 15, column: 26 }],
    },
    {
      name: "an export filling two interface boxes, an exit that releases neither: both pointers are reported, not only the last box's",
      code: DEVICE_AND_CONTEXT(""),
      errors: [
        ...["context", "device"].map((pointer) => ({
          messageId: "missingRelease" as const,
          data: { pointer, acquirer: "D3D11CreateDevice", reached: "the return at line 18", release: `release(${pointer})` },
          line: 15,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit" as const, output: DEVICE_AND_CONTEXT("").replace("  if (lvl[0] < wanted) return null;", `  if (lvl[0] < wanted) { release(${pointer}); return null; }`) }],
        })),
      ],
    },
    {
      name: "a koffi object whose vtable is read once and whose methods are called through it is used, not handed on: never released, it leaks (no repair: the file has no release form for it)",
      code: VTABLE_ONCE(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "link", acquirer: "CoCreateInstance", reached: "the return at line 13", release: "link.Release()" }, line: 9, column: 7 }],
    },
    leakCase(
      "of an export's two boxes, the one right after the IID holds the interface (SHBindToParent): never released, it leaks, and the child PIDL is not reported",
      BIND_TO_PARENT,
      { pointer: "folder", acquirer: "SHBindToParent", reached: "the return at line 16" },
      [12, 7],
      "vcall(folder, 2, P)",
      "  const child = childBuf.readBigUInt64LE(0);\n  const name = vcall(folder, 10, P, child);\n  return name;\n",
    ),
    leakCase(
      "a koffi object never released: the repair looks the bare IUnknown slot 2 up as the file does",
      BARE_SLOT,
      { pointer: "obj", acquirer: "CoCreateInstance", reached: "the return at line 17" },
      [13, 7],
      "koffi.call(vtableSlot(obj, 2), ReleaseProto, obj)",
      "  const n = [0];\n  koffi.call(vtableSlot(obj, 3), CountProto, obj, n);\n  return n[0];\n",
    ),
    leakCase(
      "an out helper that also hands out HSTRINGs (deleted as strings at other calls) still hands out the COM object its call here uses, never released",
      OUT_HELPER,
      { pointer: "op", acquirer: "outPtr", reached: "the return at line 28" },
      [25, 14],
      "koffi.call(slot(op, 2), Release, op)",
      '  const status = [0];\n  check(koffi.call(slot(op, 7), OutU32, op, status) as number, "status");\n  return status[0];\n',
    ),
  ],
};
