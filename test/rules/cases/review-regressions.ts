/**
 * What the eighth session's review found the session's own raw FFI changes doing wrong, kept as cases: koffi calls the
 * engine cannot read (a struct's `vt.Release`, `fns[2]`, a `let` vtable) are escapes, not uses, and `koffi.encode`,
 * `koffi.as` and `koffi.address` hand the pointer on; an options struct after an IID is no interface box; a 32-bit read
 * of a box is no pointer; a bare slot 2 with arguments after the object is no Release (XAudio2's voices); a C library's
 * `foo_release(h)` does not open a file; one use of a variable holding either of two released objects is one report.
 */
import { CALLBACK_FILL } from "./bound-methods";
import { DENO_PROPERTY_STORE } from "./deno-pointers";
import { DECODED_AT_OFFSET } from "./koffi-lookups";
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

const KOFFI_UNREAD_RELEASES = `import koffi from "koffi";
const CoCreateInstance = koffi.load("ole32.dll").func("int __stdcall CoCreateInstance(void *c, void *o, uint32_t x, void *i, _Out_ void **ppv)");
const ReleaseProto = koffi.proto("uint32_t __stdcall ReleaseProto(void *self)");
const CountProto = koffi.proto("int __stdcall CountProto(void *self, _Out_ uint32_t *n)");
const IFooVtbl = koffi.struct("IFooVtbl", { QueryInterface: "void *", AddRef: "void *", Release: "void *", GetCount: "void *" });
const slot = (vtbl: unknown, i: number): unknown => koffi.decode(vtbl, i * 8, "void *");

export function viaStruct(clsid: unknown, iid: unknown): number {
  const out: unknown[] = [null];
  if ((CoCreateInstance(clsid, null, 1, iid, out) as number) < 0) return -1;
  const obj = out[0];
  const vt = koffi.decode(koffi.decode(obj, "void *"), IFooVtbl);
  const n = [0];
  koffi.call(vt.GetCount, CountProto, obj, n);
  koffi.call(vt.Release, ReleaseProto, obj);
  return n[0];
}

export function viaArray(clsid: unknown, iid: unknown): number {
  const out: unknown[] = [null];
  if ((CoCreateInstance(clsid, null, 1, iid, out) as number) < 0) return -1;
  const obj = out[0];
  const fns = koffi.decode(koffi.decode(obj, "void *"), koffi.array("void *", 4));
  const n = [0];
  koffi.call(fns[3], CountProto, obj, n);
  koffi.call(fns[2], ReleaseProto, obj);
  return n[0];
}

export function viaLetVtable(clsid: unknown, iid: unknown): number {
  const out: unknown[] = [null];
  if ((CoCreateInstance(clsid, null, 1, iid, out) as number) < 0) return -1;
  const obj = out[0];
  let vtbl = koffi.decode(obj, "void *");
  const n = [0];
  koffi.call(slot(vtbl, 3), CountProto, obj, n);
  koffi.call(slot(vtbl, 2), ReleaseProto, obj);
  return n[0];
}
`;

const D2D1_OPTIONS = `import koffi from "koffi";
const d2d1 = koffi.load("d2d1.dll");
const D2D1CreateFactory = d2d1.func("int __stdcall D2D1CreateFactory(int type, void *riid, void *options, _Out_ void **factory)");
const P = koffi.proto("uint32 __stdcall Fn(void *self)");
function vcall(obj: unknown, index: number, proto: unknown, ...args: unknown[]) {
  return koffi.call(koffi.decode(koffi.decode(obj, "void *"), index * 8, "void *"), proto as never, obj, ...args);
}
function release(obj: unknown) {
  if (obj) vcall(obj, 2, P);
}
export function reloadMetrics(iidFactory: Buffer): boolean {
  const options = Buffer.alloc(4);
  options.writeUInt32LE(3, 0); // D2D1_DEBUG_LEVEL_INFORMATION
  const out: unknown[] = [null];
  if ((D2D1CreateFactory(0, iidFactory, options, out) as number) < 0) return false;
  const factory = out[0];
  vcall(factory, 3, P); // ID2D1Factory::ReloadSystemMetrics
  release(factory);
  return true;
}
`;

const KOFFI_HAND_OFFS = `import koffi from "koffi";
const CoCreateInstance = koffi.load("ole32.dll").func("int __stdcall CoCreateInstance(void *c, void *o, uint32_t x, void *i, _Out_ void **ppv)");
const ReleaseProto = koffi.proto("uint32_t __stdcall Release(void *self)");
const GetCount = koffi.proto("int __stdcall GetCount(void *self, _Out_ uint32_t *n)");
function slot(p: unknown, i: number): unknown {
  return koffi.decode(koffi.decode(p, "void *"), i * 8, "void *");
}
export function release(p: unknown): void {
  koffi.call(slot(p, 2), ReleaseProto, p);
}
export function createInto(clsid: unknown, iid: unknown, ppOut: unknown): number {
  const out: unknown[] = [null];
  const hr = CoCreateInstance(clsid, null, 1, iid, out) as number;
  if (hr < 0) return hr;
  const obj = out[0];
  const n = [0];
  koffi.call(slot(obj, 3), GetCount, obj, n);
  koffi.encode(ppOut, "void *", obj);
  return 0;
}
export function createTyped(clsid: unknown, iid: unknown): unknown {
  const out: unknown[] = [null];
  if ((CoCreateInstance(clsid, null, 1, iid, out) as number) < 0) return null;
  const obj = out[0];
  const n = [0];
  koffi.call(slot(obj, 3), GetCount, obj, n);
  return koffi.as(obj, "IFoo *");
}
export function createAddress(clsid: unknown, iid: unknown): bigint {
  const out: unknown[] = [null];
  if ((CoCreateInstance(clsid, null, 1, iid, out) as number) < 0) return 0n;
  const obj = out[0];
  const n = [0];
  koffi.call(slot(obj, 3), GetCount, obj, n);
  return koffi.address(obj);
}
`;

const READ_U32_LEVEL = `import { FFIType, ptr, read } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare const D3d11: { D3D11CreateDevice(...args: unknown[]): number };
const IUNKNOWN_RELEASE = 2;
const CTX_FLUSH = 111;
export function flushOnce(): boolean {
  const ppDevice = new BigUint64Array(1);
  const pLevel = Buffer.alloc(4);
  const ppContext = new BigUint64Array(1);
  if (D3d11.D3D11CreateDevice(null, 1, 0n, 0, null, 0, 7, ptr(ppDevice), ptr(pLevel), ptr(ppContext)) !== 0) return false;
  const level = read.u32(ptr(pLevel));
  const device = ppDevice[0];
  const context = ppContext[0];
  vcall(context, CTX_FLUSH, [], []);
  vcall(context, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  vcall(device, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  return true;
}
`;

const XAUDIO2 = `import koffi from "koffi";
const xaudio = koffi.load("xaudio2_9.dll");
const XAudio2Create = xaudio.func("int __stdcall XAudio2Create(_Out_ void **pp, uint32 flags, uint32 proc)");
const ReleaseFn = koffi.proto("uint32 __stdcall ReleaseFn(void *self)");
const CommitChangesFn = koffi.proto("int __stdcall CommitChangesFn(void *self, uint32 op)");
const SetEffectChainFn = koffi.proto("int __stdcall SetEffectChainFn(void *self, void *chain)");
const SetVolumeFn = koffi.proto("int __stdcall SetVolumeFn(void *self, float v, uint32 op)");
function vtableSlot(obj: unknown, index: number): unknown {
  return koffi.decode(koffi.decode(obj, "void *"), index * 8, "void *");
}
export function setEffectChain(voice: unknown, chain: unknown): number {
  return koffi.call(vtableSlot(voice, 2), SetEffectChainFn, voice, chain) as number;
}
export function quiet(voice: unknown): void {
  setEffectChain(voice, null);
  koffi.call(vtableSlot(voice, 12), SetVolumeFn, voice, 0, 0);
}
export function release(p: unknown): void {
  koffi.call(vtableSlot(p, 2), ReleaseFn, p);
}
export function commit(): number {
  const out: unknown[] = [null];
  if ((XAudio2Create(out, 0, 1) as number) < 0) return -1;
  const engine = out[0];
  return koffi.call(vtableSlot(engine, 10), CommitChangesFn, engine, 0) as number;
}
`;

const C_LIBRARY = `const koffi = require("koffi");
const lib = koffi.load("libfoo.so");
const foo_open = lib.func("int foo_open(const char *path, _Out_ void **out)");
const foo_read = lib.func("int foo_read(void *h, _Out_ uint8_t *buf, int n)");
const foo_release = lib.func("void foo_release(void *h)");
function readHeader(path) {
  const out = [null];
  if (foo_open(path, out) !== 0) return null;
  const h = out[0];
  const buf = new Uint8Array(8);
  if (foo_read(h, buf, 8) < 0) return null;
  foo_release(h);
  return buf;
}
module.exports = { readHeader };
`;

const EITHER_OF_TWO = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare function comRelease(p: bigint): void;
declare const device: bigint;
const DEV_CREATE_TEXTURE_2D = 5;
const TEX_GET_DESC = 10;
function make(): bigint {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.ptr], [pp.ptr!]) !== 0) throw new Error("failed");
  return pp.readBigUInt64LE(0);
}
export function pick(useFirst: boolean): number {
  const first = make();
  const second = make();
  const chosen = useFirst ? first : second;
  const other = useFirst ? second : first;
  comRelease(chosen);
  comRelease(other);
  return vcall(chosen, TEX_GET_DESC, [], []);
}
`;

/** Second review: SHBindToParent's interface box handed to a wrapper, its child PIDL in the last box. */
const SHELL_FOLDER_WRAPPED = `import { CString, dlopen, ptr, type Pointer } from "bun:ffi";
const shell = dlopen("shell32.dll", {
  SHBindToParent: { args: ["ptr", "ptr", "ptr", "ptr"], returns: "i32" },
  SHGetNameFromIDList: { args: ["ptr", "i32", "ptr"], returns: "i32" },
});
const ole = dlopen("ole32.dll", { CoTaskMemFree: { args: ["ptr"], returns: "void" } });
declare const IID_IShellFolder: Buffer;
import { ShellFolder } from "./shell-folder";
export function childName(pidl: Pointer): ShellFolder {
  const folderBox = new BigUint64Array(1);
  const childBox = new BigUint64Array(1);
  if (shell.symbols.SHBindToParent(pidl, ptr(IID_IShellFolder), ptr(folderBox), ptr(childBox)) < 0) throw new Error("SHBindToParent");
  const folder = new ShellFolder(Number(folderBox[0]) as Pointer);
  const child = Number(childBox[0]) as Pointer;
  const nameBox = new BigUint64Array(1);
  shell.symbols.SHGetNameFromIDList(child, 0, ptr(nameBox));
  console.log(new CString(Number(nameBox[0]) as Pointer));
  ole.symbols.CoTaskMemFree(Number(nameBox[0]) as Pointer);
  return folder;
}
`;

/** Second review: Deno's Release through a vtable address, a view and a function pointer kept in constants. */
const DENO_CONSTANTS = `${DENO_PROPERTY_STORE}function drop(p: Deno.PointerObject): void {
  const vtable = new Deno.UnsafePointerView(p).getPointer(0)!;
  const fn = new Deno.UnsafePointerView(vtable).getPointer(2 * 8)!;
  new Deno.UnsafeFnPointer(fn, { parameters: ["pointer"], result: "u32" } as const).call(p);
}
export function commit(hwnd: Deno.PointerValue): void {
  const out = new BigUint64Array(1);
  if (shell.symbols.SHGetPropertyStoreForWindow(hwnd, IID_IPropertyStore, new Uint8Array(out.buffer)) !== 0) return;
  const ps = Deno.UnsafePointer.create(out[0])!;
  const vt = new Deno.UnsafePointerView(new Deno.UnsafePointerView(ps).getPointer(0)!);
  new Deno.UnsafeFnPointer(vt.getPointer(7 * 8)!, { parameters: ["pointer"], result: "i32" } as const).call(ps);
  drop(ps);
}
export function inline(hwnd: Deno.PointerValue): void {
  const out = new BigUint64Array(1);
  if (shell.symbols.SHGetPropertyStoreForWindow(hwnd, IID_IPropertyStore, new Uint8Array(out.buffer)) !== 0) return;
  const ps = Deno.UnsafePointer.create(out[0])!;
  const vtbl = new Deno.UnsafePointerView(ps).getPointer(0)!;
  const vt = new Deno.UnsafePointerView(vtbl);
  new Deno.UnsafeFnPointer(vt.getPointer(7 * 8)!, { parameters: ["pointer"], result: "i32" } as const).call(ps);
  new Deno.UnsafeFnPointer(vt.getPointer(2 * 8)!, { parameters: ["pointer"], result: "u32" } as const).call(ps);
}
`;

/** Second review: a Buffer box read at a named offset that is 0. */
const NAMED_ZERO_OFFSET = `import { CFunction, FFIType, ptr, read, type Pointer } from "bun:ffi";
declare function CoCreateInstance(clsid: unknown, outer: null, ctx: number, iid: unknown, out: unknown): number;
declare const CLSID_X: Buffer, IID_X: Buffer;
const IUNKNOWN_RELEASE = 2, DO_WORK = 3;
const OFFSET = 0;
function vcall(obj: Pointer, slot: number): number {
  return (CFunction({ ptr: read.ptr(read.ptr(obj, 0) as Pointer, slot * 8) as Pointer, args: [FFIType.ptr], returns: FFIType.i32 }) as any)(obj);
}
export function work(): void {
  const out = Buffer.alloc(8);
  if (CoCreateInstance(CLSID_X, null, 1, IID_X, ptr(out)) < 0) return;
  const store = Number(out.readBigUInt64LE(OFFSET)) as Pointer;
  vcall(store, DO_WORK);
  vcall(store, IUNKNOWN_RELEASE);
}
export function done(p: Pointer): void { vcall(p, IUNKNOWN_RELEASE); }
`;

/** Second review: the file's own `assert`, which files the pointer in a registry, called through a helper. */
const LOCAL_ASSERT = `import { CFunction, FFIType, ptr, read, type Pointer } from "bun:ffi";
declare function CoCreateInstance(clsid: unknown, outer: null, ctx: number, iid: unknown, out: unknown): number;
declare const CLSID_X: Buffer, IID_X: Buffer;
const IUNKNOWN_RELEASE = 2, DO_WORK = 3;
const live: Pointer[] = [];
function assert(p: Pointer, msg: string): void {
  if (!p) throw new Error(msg);
  live.push(p);
}
function track(p: Pointer): void {
  assert(p, "null object");
}
function vcall(obj: Pointer, slot: number): number {
  return (CFunction({ ptr: read.ptr(read.ptr(obj, 0) as Pointer, slot * 8) as Pointer, args: [FFIType.ptr], returns: FFIType.i32 }) as any)(obj);
}
export function work(): void {
  const out = new BigUint64Array(1);
  if (CoCreateInstance(CLSID_X, null, 1, IID_X, ptr(out)) < 0) return;
  const store = Number(out[0]) as Pointer;
  track(store);
  vcall(store, DO_WORK);
}
export function shutdown(): void {
  for (const p of live) vcall(p, IUNKNOWN_RELEASE);
  live.length = 0;
}
`;

/** Second review: Deno slots written as `POINTER_SIZE * 2` and `8 * 2`. */
const DENO_SIZE_FIRST = `${DENO_PROPERTY_STORE}const POINTER_SIZE = 8;
export function commit(hwnd: Deno.PointerValue): void {
  const out = new BigUint64Array(1);
  if (shell.symbols.SHGetPropertyStoreForWindow(hwnd, IID_IPropertyStore, out as unknown as Uint8Array<ArrayBuffer>) !== 0) return;
  const ps = Deno.UnsafePointer.create(out[0])!;
  const vt = new Deno.UnsafePointerView(new Deno.UnsafePointerView(ps).getPointer(0)!);
  new Deno.UnsafeFnPointer(vt.getPointer(7 * 8)!, { parameters: ["pointer"], result: "i32" } as const).call(ps);
  new Deno.UnsafeFnPointer(vt.getPointer(POINTER_SIZE * 2)!, { parameters: ["pointer"], result: "u32" } as const).call(ps);
}
export function commit2(hwnd: Deno.PointerValue): void {
  const out = new BigUint64Array(1);
  if (shell.symbols.SHGetPropertyStoreForWindow(hwnd, IID_IPropertyStore, out as unknown as Uint8Array<ArrayBuffer>) !== 0) return;
  const ps = Deno.UnsafePointer.create(out[0])!;
  const vt = new Deno.UnsafePointerView(new Deno.UnsafePointerView(ps).getPointer(0)!);
  new Deno.UnsafeFnPointer(vt.getPointer(7 * 8)!, { parameters: ["pointer"], result: "i32" } as const).call(ps);
  new Deno.UnsafeFnPointer(vt.getPointer(8 * 2)!, { parameters: ["pointer"], result: "u32" } as const).call(ps);
}
`;

/** Second review: two released pointers passed in one call. */
const TWO_IN_ONE_CALL = `import { CFunction, FFIType, ptr, read, dlopen, type Pointer } from "bun:ffi";
const lib = dlopen("d3d11.dll", { D3D11Combine: { args: ["ptr", "ptr"], returns: "i32" } });
declare function CoCreateInstance(clsid: unknown, outer: null, ctx: number, iid: unknown, out: unknown): number;
declare const CLSID_X: Buffer, IID_X: Buffer;
const IUNKNOWN_RELEASE = 2, DO_WORK = 3;
function vcall(obj: Pointer, slot: number): number {
  return (CFunction({ ptr: read.ptr(read.ptr(obj, 0) as Pointer, slot * 8) as Pointer, args: [FFIType.ptr], returns: FFIType.i32 }) as any)(obj);
}
function create(): Pointer {
  const out = new BigUint64Array(1);
  if (CoCreateInstance(CLSID_X, null, 1, IID_X, ptr(out)) < 0) throw new Error("x");
  return Number(out[0]) as Pointer;
}
export function work(): void {
  const a = create();
  const b = create();
  vcall(a, IUNKNOWN_RELEASE);
  vcall(b, IUNKNOWN_RELEASE);
  lib.symbols.D3D11Combine(a, b);
}
export function work2(): void {
  const a = create();
  const b = create();
  vcall(a, IUNKNOWN_RELEASE);
  vcall(b, IUNKNOWN_RELEASE);
  console.log(a, b);
}
`;

/** The ninth session's second review: a slot constant naming some other slot with a "slot" word after `_RELEASE`. */
const EVENT_RELEASE_SLOT = `import { CFunction, FFIType, ptr, read, type Pointer } from "bun:ffi";
const QUERY_INTERFACE = 0, USE = 5, RELEASE = 2;
const SINK_ON_KEY_RELEASE_SLOT = 7;
function vcall(obj: Pointer, slot: number, args: FFIType[], values: unknown[]): number {
  const fn = CFunction({ ptr: read.ptr(read.ptr(obj, 0) as Pointer, slot * 8) as Pointer, args: [FFIType.ptr, ...args], returns: FFIType.i32 });
  return (fn as any)(obj, ...values);
}
export function use(obj: Pointer, iid: Buffer): void {
  const out = new BigUint64Array(1);
  if (vcall(obj, QUERY_INTERFACE, [FFIType.ptr, FFIType.ptr], [ptr(iid), ptr(out)]) < 0) return;
  const sink = Number(out[0]) as Pointer;
  vcall(sink, SINK_ON_KEY_RELEASE_SLOT, [FFIType.u32], [13]);
  vcall(sink, USE, [], []);
  vcall(sink, RELEASE, [], []);
}
`;

/** koffi's read of the object itself at an offset is a field of it, not its vtable's slot 2. */
const KOFFI_FIELD_AT_16 = DECODED_AT_OFFSET('  koffi.call(koffi.decode(vtbl, 2 * 8, "void *"), ReleaseProto, mgr);\n')
  .replace('const ReleaseProto = koffi.proto("uint __stdcall DiagRelease(void *self)");\n', '$&const NotifyProto = koffi.proto("void __stdcall Notify(void *self)");\n')
  .replace('  koffi.call(koffi.decode(vtbl, 3 * 8', '  koffi.call(koffi.decode(mgr, 16, "void *"), NotifyProto, mgr);\n$&');

/** A callback's box read by the caller through a cast (`(out as BigUint64Array)[0]`). */
const CAST_READ = CALLBACK_FILL("  vcall(iface, RELEASE, [], []);\n").replace("Number(out[0])", "Number((out as BigUint64Array)[0])");

/** The tenth session's review: a Deno dialog created into a box, read, converted (\`convert\`), then used; \`end\` before the return. */
const DENO_CREATED = (convert: string, end = "") => `declare const Deno: any;
const ole32 = Deno.dlopen("ole32.dll", { CoCreateInstance: { parameters: ["pointer", "pointer", "u32", "pointer", "pointer"], result: "u32" } });
function comCall(obj: unknown, index: number): number {
  const vt = new Deno.UnsafePointerView(obj).getPointer(0);
  return new Deno.UnsafeFnPointer(new Deno.UnsafePointerView(vt).getPointer(index * 8), { parameters: ["pointer"], result: "u32" }).call(obj);
}
export function make(clsid: Uint8Array, iid: Uint8Array, verbose: boolean): number {
  const box = new Uint8Array(8);
  if (ole32.symbols.CoCreateInstance(clsid, null, 1, iid, box) !== 0) return 0;
  const big = new DataView(box.buffer).getBigUint64(0, true);
${convert}${end}  return r;
}
`;

/** A Deno lookup's function pointer kept in a constant and called with \`.call\` later: \`rel.call(c2)\` is c2's Release. */
const DENO_KEPT_LOOKUP = `declare const Deno: any;
function com(obj: unknown, slot: number, def: object) {
  const vt = new Deno.UnsafePointerView(obj).getPointer(0);
  return new Deno.UnsafeFnPointer(new Deno.UnsafePointerView(vt).getPointer(slot * 8), def);
}
const QI = { parameters: ["pointer", "buffer", "buffer"], result: "i32" } as const;
const RELEASE = { parameters: ["pointer"], result: "u32" } as const;
export function query(c: unknown, iid: Uint8Array): boolean {
  const out = new BigUint64Array(1);
  if (com(c, 0, QI).call(c, iid, out) !== 0) return false;
  const c2 = Deno.UnsafePointer.create(out[0]);
  const rel = com(c2, 2, RELEASE);
  rel.call(c2);
  return true;
}
`;

/** koffi's lookup called with \`Function.prototype.call\` and a null \`this\`: \`comMethod(dlg, 2, ReleaseProto).call(null, dlg)\` releases dlg. */
const KOFFI_CALL_NULL_THIS = `declare const koffi: any;
const CoCreateInstance = koffi.load("ole32.dll").func("long __stdcall CoCreateInstance(void *clsid, void *outer, uint32 ctx, void *iid, _Out_ void **ppv)");
const ReleaseProto = koffi.proto("uint32 __stdcall Release(void *self)");
const ShowProto = koffi.proto("long __stdcall Show(void *self, void *owner)");
function comMethod(obj: unknown, slot: number, proto: unknown): (...args: unknown[]) => number {
  const vt = koffi.decode(obj, "void *");
  return koffi.decode(koffi.decode(vt, slot * 8, "void *"), koffi.pointer(proto));
}
export function show(clsid: unknown, iid: unknown): number {
  const out = [null];
  if (CoCreateInstance(clsid, null, 1, iid, out) !== 0) return -1;
  const dlg = out[0];
  const hr = comMethod(dlg, 9, ShowProto)(dlg, null);
  comMethod(dlg, 2, ReleaseProto).call(null, dlg);
  return hr;
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "SINK_ON_KEY_RELEASE_SLOT names another slot than IUnknown's Release (only IUNKNOWN_ may come before RELEASE_SLOT)", code: EVENT_RELEASE_SLOT },
    { name: "koffi.decode(p, 16, 'void *') of the object itself is a field, not the vtable's slot 2: no Release there, no release twice", code: KOFFI_FIELD_AT_16 },
    { name: "a callback's box the caller reads through a cast ((out as BigUint64Array)[0]) is filled for the caller, released there", code: CAST_READ },
    { name: "koffi calls the engine cannot read as a slot (a decoded struct's vt.Release, fns[2], a let vtable) hand the object on: no report", code: KOFFI_UNREAD_RELEASES },
    { name: "an options struct right after the IID (D2D1CreateFactory(type, riid, options, ppFactory)) is no interface box: the factory, released, owes nothing", code: D2D1_OPTIONS },
    { name: "koffi.encode(ppOut, 'void *', p), return koffi.as(p, T) and return koffi.address(p) hand the pointer on", code: KOFFI_HAND_OFFS },
    { name: "a 32-bit read of a box (read.u32(ptr(level))) is no pointer, even beside a call's interface boxes", code: READ_U32_LEVEL },
    { name: "a C library's foo_release(h) in a koffi file does not make its handles COM objects (the file is not analysed)", code: C_LIBRARY },
    { name: "SHBindToParent's interface box handed to a wrapper: its child PIDL, in the last box, is no COM object", code: SHELL_FOLDER_WRAPPED },
    { name: "Deno's Release through the vtable's address, a view and a function pointer kept in constants (a helper's, and inline)", code: DENO_CONSTANTS },
    { name: "a Buffer box read at a named offset that is 0 (readBigUInt64LE(OFFSET)) is a read of the box: released, no report", code: NAMED_ZERO_OFFSET },
    { name: "the file's own assert, which files the pointer in a registry a teardown releases, hands it on (no node:assert)", code: LOCAL_ASSERT },
    { name: "Deno slots written POINTER_SIZE * 2 and 8 * 2 are slot 2: Release", code: DENO_SIZE_FIRST },
  ],
  invalid: [
    leakCase(
      "a box's pointer converted twice, first into a number only logged (const addr = Number(big)), then into the object used: named by the object, the repair releases it",
      (end) => DENO_CREATED('  const addr = Number(big);\n  console.log(addr.toString(16));\n  const obj = Deno.UnsafePointer.create(big);\n  const r = comCall(obj, 7);\n', end),
      { pointer: "obj", acquirer: "CoCreateInstance", reached: "the return at line 15" },
      [9, 7],
      "comCall(obj, 2)",
      "  const r = comCall(obj, 7);\n  return r;\n",
    ),
    leakCase(
      "a box's pointer converted only inside an inner block: still named by the outer variable, so that the repair releases it on every path",
      (end) => DENO_CREATED('  let r = 0;\n  if (verbose) {\n    const obj = Deno.UnsafePointer.create(big);\n    r = comCall(obj, 5);\n  }\n', end),
      { pointer: "big", acquirer: "CoCreateInstance", reached: "the return at line 16" },
      [9, 7],
      "comCall(big, 2)",
      "  let r = 0;\n  if (verbose) {\n    const obj = Deno.UnsafePointer.create(big);\n    r = comCall(obj, 5);\n  }\n  return r;\n",
    ),
    {
      name: "a bare slot 2 called with an argument after the object (XAudio2's SetEffectChain) is no Release form: the leak's repair calls the file's Release",
      code: XAUDIO2,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "engine", acquirer: "XAudio2Create", reached: "the return at line 25", release: "koffi.call(vtableSlot(engine, 2), ReleaseFn, engine)" },
          line: 23,
          column: 8,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: XAUDIO2.replace(
                "  return koffi.call(vtableSlot(engine, 10), CommitChangesFn, engine, 0) as number;\n",
                "  try {\n    return koffi.call(vtableSlot(engine, 10), CommitChangesFn, engine, 0) as number;\n  } finally {\n    koffi.call(vtableSlot(engine, 2), ReleaseFn, engine);\n  }\n",
              ),
            },
          ],
        },
      ],
    },
  ],
};

/** A disposer that releases and empties its box (\`box[0] = 0n\`), called twice. */
const IDEMPOTENT_DISPOSER = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare const Xaudio2_9: { XAudio2Create(box: unknown, flags: number, processor: number): number };
declare function log(...a: unknown[]): void;
const IUNKNOWN_RELEASE = 2;
const IXAUDIO2_STARTENGINE = 5;
export function run(): number {
  const box = new BigUint64Array(1);
  const dispose = () => {
    if (box[0]) { vcall(box[0], IUNKNOWN_RELEASE, [], []); box[0] = 0n; }
  };
  if (Xaudio2_9.XAudio2Create(box, 0, 0) !== 0) return -1;
  const n = vcall(box[0], IXAUDIO2_STARTENGINE, [], []);
  dispose();
  dispose();
  return n;
}
`;

export const useAfterRelease: RuleCases = {
  valid: [
    { name: "a disposer that empties its box after releasing it may be called twice: nothing is released again", code: IDEMPOTENT_DISPOSER },
    { name: "koffi: a lookup's function called with Function.prototype.call and a null this (comMethod(dlg, 2, ReleaseProto).call(null, dlg)) is dlg's Release, not a use after it", code: KOFFI_CALL_NULL_THIS },
    { name: "a Deno lookup's function pointer kept in a constant and called with .call later (const rel = com(c2, 2, RELEASE); rel.call(c2)) is one Release, not a Release and a use", code: DENO_KEPT_LOOKUP },
    { name: "SINK_ON_KEY_RELEASE_SLOT is no Release: the object used after it, then released, is no use after release", code: EVENT_RELEASE_SLOT },
    { name: "koffi.decode(p, 16, 'void *') of the object itself is no Release: the later Release is the first", code: KOFFI_FIELD_AT_16 },
  ],
  invalid: [
    {
      name: "one use of a variable that holds either of two released objects is one report, not one per object",
      code: EITHER_OF_TWO,
      errors: [{ messageId: "useAfterRelease", line: 19, column: 10 }],
    },
    {
      name: "two released pointers passed in one call are two uses after release",
      code: TWO_IN_ONE_CALL,
      errors: [
        { messageId: "useAfterRelease", line: 19, column: 3 },
        { messageId: "useAfterRelease", line: 19, column: 3 },
        { messageId: "useAfterRelease", line: 26, column: 3 },
        { messageId: "useAfterRelease", line: 26, column: 3 },
      ],
    },
  ],
};
