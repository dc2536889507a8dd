/**
 * Spec 2a, shape 7: a pointer written into an out box is owned from the box's read on, on the
 * paths where the call succeeded. A call that may succeed without an object (`ReadSample` at the
 * end of the stream writes null) owes nothing on a path that never reads the box; a creating call
 * (`CoCreateInstance`, a Create/Activate slot, one given an IID) writes an object whenever it succeeds.
 */
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare const reader: bigint;
const READER_READ_SAMPLE = 9;
const DEV_CREATE_BUFFER = 3;
const IUNKNOWN_RELEASE = 2;
const flags = Buffer.alloc(4);
`;

/** An export filling a device box, a level box and a context box (D3D11CreateDevice); `context` is what the caller does with the context. */
const DEVICE_PROBE = (context: string) => `${PRELUDE}declare const D3d11: { D3D11CreateDevice(...args: unknown[]): number };
declare const Kernel32: { ReadProcessMemory(...args: unknown[]): number };
export function probe(): number {
  const ppDevice = Buffer.alloc(8);
  const pLevel = Buffer.alloc(4);
  const ppContext = Buffer.alloc(8);
  if (D3d11.D3D11CreateDevice(null, 1, 0n, 0, null, 0, 7, ppDevice.ptr!, pLevel.ptr!, ppContext.ptr!) !== 0) return 0;
  const level = pLevel.readUInt32LE(0);
  const device = ppDevice.readBigUInt64LE(0);
  const contextAddr = ppContext.readBigUInt64LE(0);
${context}  vcall(device, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  return level;
}
`;

/** The same call with Bun's typed-array boxes: the context read as a whole pointer (`readContext`), the level as 32 bits. */
const DEVICE_PROBE_ARRAYS = (readContext: string, context: string, end = "") => `${PRELUDE}declare const D3d11: { D3D11CreateDevice(...args: unknown[]): number };
declare function ptr(box: unknown): number;
export function probe(): number {
  const ppDevice = new BigUint64Array(1);
  const pLevel = new Uint32Array(1);
  const ppContext = new Uint8Array(8);
  if (D3d11.D3D11CreateDevice(null, 1, 0n, 0, null, 0, 7, ptr(ppDevice), ptr(pLevel), ptr(ppContext)) !== 0) return 0;
  const level = pLevel[0];
  const device = ppDevice[0];
  const contextAddr = ${readContext};
${context}  vcall(device, IUNKNOWN_RELEASE, [], [], FFIType.u32);
${end}  return level;
}
`;

/**
 * A script opening an AVI file twice with the same export (`AVIFileOpenW`): the file it releases with `AVIFileRelease`
 * proves the other one a COM object too, whatever the script does with it (`writeRelease`, after the stream's
 * `AVIStreamRelease`); `readRelease` is what it does with the second.
 */
const AVI_SCRIPT = (writeRelease: string, readRelease = "Avifil32.AVIFileRelease(readFile);\n") => `${PRELUDE}declare const Avifil32: {
  AVIFileOpenW(...args: unknown[]): number;
  AVIFileCreateStreamW(...args: unknown[]): number;
  AVIStreamRelease(stream: bigint): number;
  AVIFileRelease(file: bigint): number;
};
declare function fail(api: string, hr: number): never;
declare const path: Buffer;
const writeBox = Buffer.alloc(8);
let hr = Avifil32.AVIFileOpenW(writeBox.ptr, path.ptr, 0x1001, null);
if (hr !== 0) fail("AVIFileOpenW", hr);
const writeFile = writeBox.readBigUInt64LE(0);
const streamBox = Buffer.alloc(8);
hr = Avifil32.AVIFileCreateStreamW(writeFile, streamBox.ptr, path.ptr);
if (hr !== 0) fail("AVIFileCreateStreamW", hr);
const stream = streamBox.readBigUInt64LE(0);
Avifil32.AVIStreamRelease(stream);
${writeRelease}const readBox = Buffer.alloc(8);
hr = Avifil32.AVIFileOpenW(readBox.ptr, path.ptr, 0, null);
if (hr !== 0) fail("AVIFileOpenW", hr);
const readFile = readBox.readBigUInt64LE(0);
${readRelease}`;

/** DirectSound's own success code (`DS_OK`) tested against the creating call's HRESULT; `release` ends the success branch. */
const DSOUND_PROBE = (release: string) => `${PRELUDE}declare const DSound: { DirectSoundCreate8(...args: unknown[]): number };
declare const DS_OK: number;
const IDIRECTSOUND8_GETCAPS = 4;
const ppDS8 = Buffer.alloc(8);
const createHr = DSound.DirectSoundCreate8(null, ppDS8.ptr!, null);
if (createHr !== DS_OK) {
  console.log("no playback device");
} else {
  const device = ppDS8.readBigUInt64LE(0);
  vcall(device, IDIRECTSOUND8_GETCAPS, [FFIType.ptr], [flags.ptr!]);
${release}}
`;

/** Two files opened through a `dlopen` table of the library's exports, the first released through it; `end` closes the function. */
const DLOPEN_AVI = (end: string) => `import { dlopen, FFIType } from "bun:ffi";
const avi = dlopen("avifil32.dll", {
  AVIFileOpenW: { args: [FFIType.ptr, FFIType.ptr, FFIType.u32, FFIType.ptr], returns: FFIType.i32 },
  AVIFileRelease: { args: [FFIType.u64], returns: FFIType.u32 },
});
declare const pathA: Buffer, pathB: Buffer;
export function openTwo(): void {
  const boxA = Buffer.alloc(8);
  if (avi.symbols.AVIFileOpenW(boxA.ptr, pathA.ptr, 0, null) !== 0) return;
  const fileA = boxA.readBigUInt64LE(0);
  const boxB = Buffer.alloc(8);
  if (avi.symbols.AVIFileOpenW(boxB.ptr, pathB.ptr, 0, null) !== 0) {
    avi.symbols.AVIFileRelease(fileA);
    return;
  }
  const fileB = boxB.readBigUInt64LE(0);
  avi.symbols.AVIFileRelease(fileA);
${end}}
`;

/**
 * Bun FFI in the style of a binding's own vtable module: a typed-array box (`new BigUint64Array(1)`) filled through a
 * dispatcher that finds the method with a lookup helper (`methodAddress(object, index)` indexes the vtable: one step
 * removed), its failure told by a test helper of the file, the pointer read with `Number(box[0])`; `end` runs before
 * the function returns.
 */
const SHADER_STATUS = (end: string) => `import { CFunction, ptr, read } from "bun:ffi";
declare const IID_IShaderResult: Uint8Array;
function methodAddress(object: number, index: number): number {
  const table = read.ptr(object as never, 0);
  return read.ptr(table as never, index * 8);
}
function callMethod(object: number, index: number, ...args: unknown[]): number {
  return CFunction({ ptr: methodAddress(object, index) as never, args: ["ptr"], returns: "i32" })(object, ...args) as number;
}
function comRelease(object: number): void {
  if (object) callMethod(object, 2);
}
function succeeded(hr: number): boolean {
  return hr >= 0;
}
export function status(compiler: number): number {
  const box = new BigUint64Array(1);
  if (!succeeded(callMethod(compiler, 3, ptr(IID_IShaderResult), ptr(box)))) return -1;
  const result = Number(box[0]);
  const value = callMethod(result, 3);
${end}  return value;
}
`;

/**
 * Spec 2a, shape 8's acquire helper: `outPtr(obj, slot)` returns what its out box received from any slot; whether
 * that is a COM object is told by its callers (one calls through its vtable). `end` runs before the caller returns;
 * `more` is more code of the file.
 */
const OUT_PTR = (end: string, more = "") => `import { CFunction, read } from "bun:ffi";
function vcall(obj: bigint, slot: number, ...args: unknown[]): number {
  const method = read.ptr(read.ptr(obj as never, 0) as never, slot * 8);
  return CFunction({ ptr: method as never, args: ["ptr"], returns: "i32" })(obj, ...args) as number;
}
function check(hr: number): void {
  if (hr < 0) throw new Error(\`failed: \${hr}\`);
}
const IUNKNOWN_RELEASE = 2;
const WALKER_FIRST_CHILD = 4;
function outPtr(obj: bigint, slot: number, ...args: unknown[]): bigint {
  const out: [bigint | null] = [null];
  check(vcall(obj, slot, ...args, out));
  return out[0]!;
}
export function firstChildName(walker: bigint, parent: bigint): number {
  const child = outPtr(walker, WALKER_FIRST_CHILD, parent);
  const name = vcall(child, 23);
${end}  return name;
}
${more}`;

/** A caller of OUT_PTR's helper that frees what it gets as a BSTR. */
const BSTR_CALLER = "declare function SysFreeString(bstr: bigint): void;\nexport function nameOf(element: bigint): void {\n  SysFreeString(outPtr(element, 23));\n}\n";

/**
 * A file with its own release helper, defined before it is called (`release(thing)` in a loop): a repair writes the
 * helper's call, not the Release inside the helper's body. `end` runs before `leaked` returns.
 */
const RELEASE_HELPER = (end: string) => `import { CFunction, read } from "bun:ffi";
function vcall(obj: bigint, slot: number, ...args: unknown[]): number {
  const method = read.ptr(read.ptr(obj as never, 0) as never, slot * 8);
  return CFunction({ ptr: method as never, args: ["ptr"], returns: "i32" })(obj, ...args) as number;
}
declare function CoCreateInstance(...args: unknown[]): number;
declare const CLSID_Thing: Buffer;
declare const IID_IThing: Buffer;
const IUNKNOWN_RELEASE = 2;
function release(p: bigint): void {
  if (p) vcall(p, IUNKNOWN_RELEASE);
}
function create(): bigint {
  const box = Buffer.alloc(8);
  if (CoCreateInstance(CLSID_Thing, null, 1, IID_IThing, box.ptr!) < 0) throw new Error("failed");
  return box.readBigUInt64LE(0);
}
export function disposeAll(things: bigint[]): void {
  for (const thing of things) release(thing);
}
export function leaked(): number {
  const b = create();
  const n = vcall(b, 3);
${end}  return n;
}
`;

/**
 * A dispatcher whose return type comes before its argument types (`vtblCall(p, index, retType, argTypes, ...args)`) in
 * a file with no Release of its own: the repair keeps the arguments in place (`vtblCall(factory, 2, "int32", [])`).
 */
const TOAST_FACTORY = (end: string, activate = "RoGetActivationFactory(name, IID_IToastFactory, box.ptr!)") => `import { CFunction, read } from "bun:ffi";
declare function RoGetActivationFactory(name: bigint, iid: Buffer, out: unknown): number;
declare function RoActivateInstance(name: bigint, out: unknown): number;
declare const IID_IToastFactory: Buffer;
function vtblCall(objAddr: bigint, index: number, retType: string, argTypes: string[], ...args: unknown[]): number {
  const fn = read.ptr(read.ptr(objAddr as never, 0) as never, index * 8);
  return CFunction({ ptr: fn as never, args: ["ptr", ...argTypes] as never, returns: retType as never })(objAddr, ...args) as number;
}
export function toastCount(name: bigint): number {
  const box = Buffer.alloc(8);
  if (${activate} < 0) return -1;
  const factory = box.readBigUInt64LE(0);
  const count = vtblCall(factory, 6, "int32", ["ptr"], name);
${end}  return count;
}
`;

/** `code` from the line starting `from` on, in a top-level `try` whose `finally` runs `release`. */
function wrapInTryFinally(code: string, from: string, release: string): string {
  const at = code.indexOf(from);
  return `${code.slice(0, at)}try {\n${code.slice(at).replace(/^(?=.)/gm, "  ")}} finally {\n  ${release}\n}\n`;
}

/**
 * koffi with Node's Buffer (a public DXGI enumerator): a box sized by architecture (\`Buffer.alloc(process.arch === 'x64'
 * ? 8 : 4)\`), read with \`readPointer()\` and cast back to a pointer with \`koffi.as(..., 'void *')\`. \`read\` is how the
 * pointer is read; \`end\` runs before the function's end.
 */
const KOFFI_READ_POINTER = (read: string, end: string) => `declare const koffi: any;
const CreateDXGIFactory1 = koffi.load("dxgi.dll").func("long __stdcall CreateDXGIFactory1(void *riid, void **pp)");
const ReleaseProto = koffi.proto("uint32 __stdcall Release(void *self)");
function vcall(obj: unknown, slot: number, proto: unknown, ...args: unknown[]): number {
  const fn = koffi.decode(koffi.decode(obj, "void *"), slot * 8, "void *");
  return koffi.call(fn, proto, obj, ...args);
}
function release(p: unknown): void {
  vcall(p, 2, ReleaseProto);
}
export function adapters(iid: Buffer): number {
  const buf = Buffer.alloc(process.arch === "x64" ? 8 : 4);
  if (CreateDXGIFactory1(iid, buf) !== 0) return 0;
  const factory = ${read};
  const n = vcall(factory, 12, ReleaseProto);
${end}  return n;
}
`;

/** bun:ffi code that keeps its HRESULT unsigned to print it (`CoCreateInstance(...) >>> 0`): its `!== 0` test is the call's. */
const UNSIGNED_HRESULT = (cleanup: string) => `import { CFunction, dlopen, FFIType, read, type Pointer } from "bun:ffi";
function vcall(obj: Pointer, slot: number): number {
  const fn = CFunction({ ptr: read.ptr(read.ptr(obj, 0) as Pointer, slot * 8) as Pointer, args: [FFIType.ptr], returns: FFIType.i32 });
  return fn(obj) as number;
}
function release(obj: Pointer): void {
  vcall(obj, 2);
}
const ole32 = dlopen("ole32.dll", {
  CoCreateInstance: { args: [FFIType.ptr, FFIType.ptr, FFIType.u32, FFIType.ptr, FFIType.ptr], returns: FFIType.i32 },
}).symbols;
export function show(clsid: Uint8Array, iid: Uint8Array): string {
  const out = new BigUint64Array(1);
  const hr = ole32.CoCreateInstance(clsid, null, 1, iid, out) >>> 0;
  if (hr !== 0 || !out[0]) return \`CoCreateInstance 0x\${hr.toString(16)}\`;
  const dialog = Number(out[0]) as Pointer;
  try {
    return String(vcall(dialog, 9));
  } finally {
${cleanup}  }
}
`;

/** Spec 2a shape 8: a check helper of the file (`need`) that exits the process when its HRESULT fails, so the read that follows is owned; `early` follows the read (line 11). */
const NEED_EXITS = (early: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const IUNKNOWN_RELEASE: number, IUNKNOWN_QUERYINTERFACE: number, IID_IStockQuote: Uint8Array;
function need(label: string, hr: number): void {
  if (hr !== 0) {
    log(label);
    process.exit(1);
  }
}
export function quoteOf(obj: bigint, flag: boolean): bigint {
  const out = new BigUint64Array(1);
  need("QueryInterface", vcall(obj, IUNKNOWN_QUERYINTERFACE, [], [IID_IStockQuote, out]));
  const quote = out[0];
${early}  vcall(quote, IUNKNOWN_RELEASE, [], []);
  return 1n;
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "an HRESULT kept unsigned (CoCreateInstance(...) >>> 0): its failure branch owns nothing, the object is released in finally", code: UNSIGNED_HRESULT("    release(dialog);\n") },
    { name: "an instance RoActivateInstance activates, released through the dispatcher", code: TOAST_FACTORY("  vtblCall(factory, 2, \"int32\", []);\n", "RoActivateInstance(name, box.ptr!)") },
    { name: "koffi: a box sized by architecture (process.arch === 'x64' ? 8 : 4), read with readPointer(), released", code: KOFFI_READ_POINTER("buf.readPointer()", "  release(factory);\n") },
    { name: "koffi: a readPointer() read cast with koffi.as(..., 'void *') is the same pointer: released", code: KOFFI_READ_POINTER("koffi.as(buf.readPointer(), \"void *\")", "  release(factory);\n") },
    { name: "an acquire helper returning its out box's pointer (spec 2a, shape 8's outPtr), released by its caller", code: OUT_PTR("  vcall(child, IUNKNOWN_RELEASE);\n") },
    {
      name: "an acquire helper whose result one caller frees as a string (a BSTR from another slot): that call holds no COM object; the other's, released, owes nothing",
      code: OUT_PTR("  vcall(child, IUNKNOWN_RELEASE);\n", BSTR_CALLER),
    },
    {
      name: "a typed-array box read with Number(box[0]), filled through a dispatcher one step removed from its vtable lookup, released; its failure path owns nothing",
      code: SHADER_STATUS("  comRelease(result);\n"),
    },
    { name: "DS_OK is a success code: the device created on its success branch is released there", code: DSOUND_PROBE("  vcall(device, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n") },
    {
      name: "a dispatcher's numbered slots prove nothing of each other: a count read from a box is no COM object because another slot's box is",
      code: `${PRELUDE}declare function comRelease(p: bigint): void;
declare const device: bigint;
export function make(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, 5, [FFIType.ptr], [box.ptr!]) !== 0) return;
  comRelease(box.readBigUInt64LE(0));
}
export function count(context: bigint): number {
  const out = Buffer.alloc(8);
  vcall(context, 9, [FFIType.ptr], [out.ptr!]);
  return out.readBigUInt64LE(0) > 10n ? 1 : 0;
}
`,
    },
    { name: "two files opened through a dlopen table, each released through it", code: DLOPEN_AVI("  avi.symbols.AVIFileRelease(fileB);\n") },
    { name: "two files opened by the same export, each released with the file release", code: AVI_SCRIPT("Avifil32.AVIFileRelease(writeFile);\n") },
    {
      name: "two boxes filled by the same export, neither used as a COM object anywhere: no evidence, nothing tracked",
      code: AVI_SCRIPT("", "console.log(readFile);\n").replace("Avifil32.AVIStreamRelease(stream);\n", ""),
    },
    { name: "a call filling several boxes: the box the file releases from, and the other box read as a pointer, both released", code: DEVICE_PROBE("  vcall(contextAddr, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n") },
    {
      name: "a call filling several typed-array boxes: the other box read through a 64-bit view of its bytes, released",
      code: DEVICE_PROBE_ARRAYS("new DataView(ppContext.buffer).getBigUint64(0, true)", "  vcall(contextAddr, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n"),
    },
    { name: "a call filling several typed-array boxes: the other box read as 32 bits (a count, not a pointer) owes nothing", code: DEVICE_PROBE_ARRAYS("new DataView(ppContext.buffer).getUint32(0, true)", "") },
    {
      name: "a call filling several boxes: another box read as a pointer but used as memory (`ReadProcessMemory` at it) is no COM object",
      code: DEVICE_PROBE("  Kernel32.ReadProcessMemory(0n, contextAddr, flags.ptr!, 4n, null);\n"),
    },
    {
      name: "a box read and freed by a memory release function (`PTReleaseMemory`) holds no COM object",
      code: `${PRELUDE}declare const Prntvpt: { PTConvertPrintTicketToDevMode(...args: unknown[]): number; PTReleaseMemory(p: bigint): number };
export function devmode(): void {
  const ppDevmode = Buffer.alloc(8);
  if (Prntvpt.PTConvertPrintTicketToDevMode(0n, 0n, 0, 0, flags.ptr!, ppDevmode.ptr!) !== 0) return;
  const addr = ppDevmode.readBigUInt64LE(0);
  if (flags.readUInt32LE(0) === 0) return;
  Prntvpt.PTReleaseMemory(addr);
}
`,
    },
    {
      name: "a sample box never read at the end of the stream owes nothing; the read sample is released",
      code: `${PRELUDE}export function next(): boolean {
  const box = Buffer.alloc(8);
  if (vcall(reader, READER_READ_SAMPLE, [FFIType.ptr, FFIType.ptr], [flags.ptr!, box.ptr!]) !== 0) return false;
  if (flags.readUInt32LE(0) !== 0) return false;
  const sample = box.readBigUInt64LE(0);
  if (sample === 0n) return false;
  vcall(sample, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  return true;
}
`,
    },
    {
      name: "a check helper that exits the process on failure (spec 2a shape 8's `need(label, hr)`), the queried pointer released on every path",
      code: NEED_EXITS(""),
    },
  ],
  invalid: [
    {
      name: "an HRESULT kept unsigned (>>> 0), the object never released: reported where it leaks, not on the failure branch",
      code: UNSIGNED_HRESULT(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "dialog", acquirer: "CoCreateInstance", reached: "the return at line 18", release: "vcall(dialog, 2)" }, line: 14, column: 14, suggestions: [{ messageId: "insertReleaseFinally", output: UNSIGNED_HRESULT("").replace("  try {\n    return String(vcall(dialog, 9));\n  } finally {\n  }\n", "  try {\n    try {\n      return String(vcall(dialog, 9));\n    } finally {\n    }\n  } finally {\n    vcall(dialog, 2);\n  }\n") }] }],
    },
    leakCase(
      "koffi: a box sized by architecture (process.arch === 'x64' ? 8 : 4) and read with readPointer() is an out box: its pointer, never released, leaks",
      (end) => KOFFI_READ_POINTER("buf.readPointer()", end),
      { pointer: "factory", acquirer: "CreateDXGIFactory1", reached: "the return at line 16" },
      [13, 7],
      "vcall(factory, 2, ReleaseProto)",
      "  const n = vcall(factory, 12, ReleaseProto);\n  return n;\n",
    ),
    leakCase("a file with no Release of its own: the repair calls its dispatcher with the arguments in place (a return type before the argument types kept)", TOAST_FACTORY, { pointer: "factory", acquirer: "RoGetActivationFactory", reached: "the return at line 14" }, [11, 7], 'vtblCall(factory, 2, "int32", [])', '  const count = vtblCall(factory, 6, "int32", ["ptr"], name);\n  return count;\n'),
    leakCase("an instance RoActivateInstance activates into its out box, never released", (end) => TOAST_FACTORY(end, "RoActivateInstance(name, box.ptr!)"), { pointer: "factory", acquirer: "RoActivateInstance", reached: "the return at line 14" }, [11, 7], 'vtblCall(factory, 2, "int32", [])', '  const count = vtblCall(factory, 6, "int32", ["ptr"], name);\n  return count;\n'),
    leakCase("a pointer never released in a file with its own release helper: the repair calls the helper (release(b)), not the Release inside its body", RELEASE_HELPER, { pointer: "b", acquirer: "create", reached: "the return at line 24" }, [22, 13], "release(b)", "  const n = vcall(b, 3);\n  return n;\n"),
    leakCase("an acquire helper returning its out box's pointer (spec 2a, shape 8's outPtr), its result never released by the caller", OUT_PTR, { pointer: "child", acquirer: "outPtr", reached: "the return at line 19" }, [17, 17], "vcall(child, IUNKNOWN_RELEASE)", "  const name = vcall(child, 23);\n  return name;\n"),
    leakCase(
      "an acquire helper whose result one caller frees as a string: each call is judged by its own result, and the one used as a COM object and never released leaks (spec 2a, 7: evidence per value read)",
      (end) => OUT_PTR(end, BSTR_CALLER),
      { pointer: "child", acquirer: "outPtr", reached: "the return at line 19" },
      [17, 17],
      "vcall(child, IUNKNOWN_RELEASE)",
      "  const name = vcall(child, 23);\n  return name;\n",
    ),
    leakCase("a typed-array box read with Number(box[0]), filled through a dispatcher one step removed from its vtable lookup, never released", SHADER_STATUS, { pointer: "result", acquirer: "callMethod", reached: "the return at line 21" }, [18, 18], "callMethod(result, 2)", "  const value = callMethod(result, 3);\n  return value;\n"),
    leakCase("a library export released through its dlopen table is the file's release form: the file the code forgets is released the same way", DLOPEN_AVI, { pointer: "fileB", acquirer: "AVIFileOpenW", reached: "the end of the function at line 18" }, [12, 7], "avi.symbols.AVIFileRelease(fileB)", "  avi.symbols.AVIFileRelease(fileA);\n"),
    leakCase("DS_OK is a success code: the device created on its success branch and never released is a leak", DSOUND_PROBE, { pointer: "device", acquirer: "DirectSoundCreate8", reached: "the end of the module at line 19" }, [12, 18], "vcall(device, IUNKNOWN_RELEASE, [], [])", "  vcall(device, IDIRECTSOUND8_GETCAPS, [FFIType.ptr], [flags.ptr!]);\n"),
    {
      name: "of two files opened by the same export, the one the script releases proves the other a COM object: never released, released in the file release's words",
      code: AVI_SCRIPT(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "writeFile", acquirer: "AVIFileOpenW", reached: "the end of the module at line 30", release: "Avifil32.AVIFileRelease(writeFile)" },
          line: 17,
          column: 10,
          suggestions: [
            { messageId: "insertReleaseFinally", output: wrapInTryFinally(AVI_SCRIPT(""), "const streamBox", "Avifil32.AVIFileRelease(writeFile);") },
            { messageId: "insertReleaseAtExit", output: `${AVI_SCRIPT("")}Avifil32.AVIFileRelease(writeFile);\n` },
          ],
        },
      ],
    },
    ...[
      ["a 64-bit view of its bytes", "new BigUint64Array(ppContext.buffer)[0]"],
      ["a DataView's getBigUint64, converted", "Number(new DataView(ppContext.buffer).getBigUint64(0, true))"],
    ].map(([how, read]) =>
      leakCase(
        `a call filling several typed-array boxes, one released as a COM object: another read as a whole pointer through ${how} and never used is a COM object never released`,
        (end) => DEVICE_PROBE_ARRAYS(read, "", end),
        { pointer: "contextAddr", acquirer: "D3D11CreateDevice", reached: "the return at line 19" },
        [14, 7],
        "vcall(contextAddr, IUNKNOWN_RELEASE, [], [], FFIType.u32)",
        "  vcall(device, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n  return level;\n",
      ),
    ),
    {
      name: "a call filling several boxes, one released as a COM object: another box read as a pointer and never used is a COM object never released",
      code: DEVICE_PROBE(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "contextAddr", acquirer: "D3D11CreateDevice", reached: "the return at line 19", release: "vcall(contextAddr, IUNKNOWN_RELEASE, [], [], FFIType.u32)" },
          line: 14,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: DEVICE_PROBE("").replace(
                "  vcall(device, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n  return level;\n",
                "  try {\n    vcall(device, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n    return level;\n  } finally {\n    vcall(contextAddr, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n  }\n",
              ),
            },
            { messageId: "insertReleaseAtExit", output: DEVICE_PROBE("").replace("  return level;\n", "  vcall(contextAddr, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n  return level;\n") },
          ],
        },
      ],
    },
    {
      name: "a read sample that one path does not release is a leak from its read on",
      code: `${PRELUDE}export function next(): boolean {
  const box = Buffer.alloc(8);
  if (vcall(reader, READER_READ_SAMPLE, [FFIType.ptr, FFIType.ptr], [flags.ptr!, box.ptr!]) !== 0) return false;
  const sample = box.readBigUInt64LE(0);
  if (flags.readUInt32LE(0) !== 0) return false;
  vcall(sample, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  return true;
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "sample", acquirer: "READER_READ_SAMPLE", reached: "the return at line 12", release: "vcall(sample, IUNKNOWN_RELEASE, [], [], FFIType.u32)" },
          line: 10,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: `${PRELUDE}export function next(): boolean {
  const box = Buffer.alloc(8);
  if (vcall(reader, READER_READ_SAMPLE, [FFIType.ptr, FFIType.ptr], [flags.ptr!, box.ptr!]) !== 0) return false;
  const sample = box.readBigUInt64LE(0);
  if (flags.readUInt32LE(0) !== 0) { vcall(sample, IUNKNOWN_RELEASE, [], [], FFIType.u32); return false; }
  vcall(sample, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  return true;
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a creating slot's object is owned from the call's success, read or not; before the read that names it, the message names the read (`buffer` does not exist there yet)",
      code: `${PRELUDE}export function make(device: bigint, ready: boolean): bigint {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BUFFER, [FFIType.ptr], [box.ptr!]) !== 0) return 0n;
  if (!ready) return 0n;
  const buffer = box.readBigUInt64LE(0);
  vcall(buffer, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  return 1n;
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "box.readBigUInt64LE(0)", acquirer: "DEV_CREATE_BUFFER", reached: "the return at line 11", release: "vcall(box.readBigUInt64LE(0), IUNKNOWN_RELEASE, [], [], FFIType.u32)" },
          line: 10,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              data: { pointer: "box.readBigUInt64LE(0)" },
              output: `${PRELUDE}export function make(device: bigint, ready: boolean): bigint {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BUFFER, [FFIType.ptr], [box.ptr!]) !== 0) return 0n;
  if (!ready) { vcall(box.readBigUInt64LE(0), IUNKNOWN_RELEASE, [], [], FFIType.u32); return 0n; }
  const buffer = box.readBigUInt64LE(0);
  vcall(buffer, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  return 1n;
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a check helper that exits the process on failure (spec 2a shape 8's `need(label, hr)`): the pointer is owned from the read on, and an early return leaks it",
      code: NEED_EXITS("  if (flag) return 0n;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "quote", acquirer: "IUNKNOWN_QUERYINTERFACE", reached: "the return at line 13", release: "vcall(quote, IUNKNOWN_RELEASE, [], [])" },
          line: 11,
          column: 26,
          suggestions: [{ messageId: "insertReleaseAtExit", output: NEED_EXITS("  if (flag) { vcall(quote, IUNKNOWN_RELEASE, [], []); return 0n; }\n") }],
        },
      ],
    },
  ],
};
