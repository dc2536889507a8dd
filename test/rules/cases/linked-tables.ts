/**
 * One-shot probes call COM through tables linked from the object's vtable (bun:ffi's `linkSymbols`),
 * reading the vtable with a helper that hands the pointer to native code (`ReadProcessMemory`).
 * Such a helper only reads its argument: the pointer stays the caller's. A table linked from a
 * vtable is the object's own: any of its functions given the pointer is a vtable call (a use, and
 * evidence that a box held a COM object), and its Release is the form a repair writes for that pointer.
 */
import type { RuleCases } from "./types";

const READ_POINTER = `import { FFIType, linkSymbols } from "bun:ffi";
declare const Kernel32: { ReadProcessMemory(...args: unknown[]): number; GetCurrentProcess(): bigint; GetProcAddress(module: bigint, name: Buffer): bigint };
declare const D2D1: { D2D1CreateFactory(...args: unknown[]): number };
declare const IID_ID2D1Factory: Buffer;
const RELEASE_OFFSET = 16n;
const POLL_OFFSET = 200n;
function readPointerAt(address: bigint): bigint {
  const buffer = Buffer.alloc(8);
  const ok = Kernel32.ReadProcessMemory(Kernel32.GetCurrentProcess(), address, buffer.ptr!, 8n, null);
  if (ok === 0) throw new Error(\`ReadProcessMemory failed at 0x\${address.toString(16)}\`);
  return buffer.readBigUInt64LE(0);
}
`;

const PROBE = (early: string, late: string) => `${READ_POINTER}export function probe(verbose: boolean): number {
  const pp = Buffer.alloc(8);
  if (D2D1.D2D1CreateFactory(0, IID_ID2D1Factory.ptr!, null, pp.ptr!) !== 0) return 0;
  const factory = pp.readBigUInt64LE(0);
${early}  const vtable = readPointerAt(factory);
  const calls = linkSymbols({ Release: { args: [FFIType.u64], ptr: readPointerAt(vtable + RELEASE_OFFSET), returns: FFIType.u32 } });
${late}  calls.symbols.Release(factory);
  calls.close();
  return 2;
}
`;

const POLL = `${READ_POINTER}export function pollOnce(input: { symbols: { CreateDevice(...args: unknown[]): number } }, di8: bigint, guid: Buffer): void {
  const ppDevice = Buffer.alloc(8);
  if (input.symbols.CreateDevice(di8, guid.ptr!, ppDevice.ptr!, null) !== 0) return;
  const device = ppDevice.readBigUInt64LE(0);
  const deviceVtable = readPointerAt(device);
  const table = linkSymbols({
    Poll: { args: [FFIType.u64], ptr: readPointerAt(deviceVtable + POLL_OFFSET), returns: FFIType.i32 },
    Release: { args: [FFIType.u64], ptr: readPointerAt(deviceVtable + RELEASE_OFFSET), returns: FFIType.u32 },
  });
  table.symbols.Poll(device);
}
`;

const COUNT = (early: string, end: string) => `${READ_POINTER}declare const Ole32: { CoCreateInstance(...args: unknown[]): number };
declare const CLSID_X: Buffer;
declare const IID_IEnum: Buffer;
export function countOf(strict: boolean): number {
  const box = Buffer.alloc(8);
  if (Ole32.CoCreateInstance(CLSID_X.ptr!, null, 1, IID_IEnum.ptr!, box.ptr!) !== 0) return -1;
  const enumerator = box.readBigUInt64LE(0);
  const vtable = readPointerAt(enumerator);
  const calls = linkSymbols({
    GetCount: { args: [FFIType.u64, FFIType.ptr], ptr: readPointerAt(vtable + 24n), returns: FFIType.i32 },
    Release: { args: [FFIType.u64], ptr: readPointerAt(vtable + 16n), returns: FFIType.u32 },
  });
  const n = new Uint32Array(1);
  calls.symbols.GetCount(enumerator, n);
${early}${end}  return n[0];
}
`;

/** A sample's AddBuffer linked from a slot address read into a variable first (`ptr: addAddress`), as mfplat probes do. */
const ADD_BUFFER = (release: string) => `${READ_POINTER}declare const Mfplat: { MFCreateSample(box: unknown): number };
export function addOnce(buffer: bigint): void {
  const box = Buffer.alloc(8);
  if (Mfplat.MFCreateSample(box.ptr!) !== 0) return;
  const sample = box.readBigUInt64LE(0);
  const vtable = readPointerAt(sample);
  const addAddress = readPointerAt(vtable + POLL_OFFSET);
  const sampleLib = linkSymbols({ AddBuffer: { args: [FFIType.u64, FFIType.u64], ptr: addAddress, returns: FFIType.i32 } });
  sampleLib.symbols.AddBuffer(sample, buffer);
${release}}
`;
const RELEASE_BY_ADDRESS = `  const releaseAddress = readPointerAt(vtable + RELEASE_OFFSET);
  const releaseLib = linkSymbols({ Release: { args: [FFIType.u64], ptr: releaseAddress, returns: FFIType.u32 } });
  releaseLib.symbols.Release(sample);
`;

/** The missing-release error at `line:column`, with its data and the suggestions' outputs. */
/** A census script: two objects made at the top level, each called through a table linked from its vtable, the tables closed. */
const SCRIPT = (releases: string) => `${READ_POINTER}function make(): bigint {
  const pp = Buffer.alloc(8);
  if (D2D1.D2D1CreateFactory(0, IID_ID2D1Factory.ptr!, null, pp.ptr!) !== 0) process.exit(1);
  return pp.readBigUInt64LE(0);
}
const first = make();
const second = make();
const firstVtable = readPointerAt(first);
const firstCalls = linkSymbols({
  Poll: { args: [FFIType.u64], ptr: readPointerAt(firstVtable + POLL_OFFSET), returns: FFIType.u32 },
  Release: { args: [FFIType.u64], ptr: readPointerAt(firstVtable + RELEASE_OFFSET), returns: FFIType.u32 },
});
const secondVtable = readPointerAt(second);
const secondCalls = linkSymbols({
  Poll: { args: [FFIType.u64], ptr: readPointerAt(secondVtable + POLL_OFFSET), returns: FFIType.u32 },
  Release: { args: [FFIType.u64], ptr: readPointerAt(secondVtable + RELEASE_OFFSET), returns: FFIType.u32 },
});
firstCalls.symbols.Poll(first);
secondCalls.symbols.Poll(second);
${releases}firstCalls.close();
secondCalls.close();
process.exit(0);
`;

function missing(pointer: string, acquirer: string, reached: string, release: string, line: number, column: number, suggestions: { messageId: string; output: string; data?: Record<string, string> }[]) {
  return { messageId: "missingRelease", data: { pointer, acquirer, reached, release }, line, column, suggestions };
}

export const cases: RuleCases = {
  valid: [
    { name: "a pointer read through a memory-reading helper and released through its own table on every path", code: PROBE("", "") },
    { name: "a table linked from slot addresses held in variables: the pointer released through its own Release", code: ADD_BUFFER(RELEASE_BY_ADDRESS) },
    { name: "a script's objects, each released through its own table before the tables are closed", code: SCRIPT("secondCalls.symbols.Release(second);\nfirstCalls.symbols.Release(first);\n") },
    {
      name: "a table linked from an export's address (GetProcAddress), not a vtable: a handle it is given is no COM object",
      code: `${READ_POINTER}declare const Native: { OpenThing(box: unknown): number };
declare const thingModule: bigint;
const api = linkSymbols({ UseThing: { args: [FFIType.u64], ptr: Kernel32.GetProcAddress(thingModule, Buffer.from("UseThing\\0")), returns: FFIType.i32 } });
export function useOnce(): void {
  const box = Buffer.alloc(8);
  if (Native.OpenThing(box.ptr!) !== 0) return;
  const handle = box.readBigUInt64LE(0);
  api.symbols.UseThing(handle);
}
`,
    },
  ],
  invalid: [
    {
      name: "a function of a table linked from a slot address held in a variable (`ptr: addAddress`) is a vtable call: the box held a COM object, never released",
      code: ADD_BUFFER(""),
      errors: [missing("sample", "MFCreateSample", "the end of the function at line 22", "sample.Release()", 16, 7, [])],
    },
    {
      name: "never released, called through a table linked from its vtable that has a Release: the repair releases through that table, before each exit (no `finally`: the table is declared inside it)",
      code: COUNT("  if (strict) return -2;\n", ""),
      errors: [missing("enumerator", "CoCreateInstance", "the return at line 27", "calls.symbols.Release(enumerator)", 18, 7, [{ messageId: "insertReleaseAtExits", data: { pointer: "enumerator", count: "2" }, output: COUNT("  if (strict) { calls.symbols.Release(enumerator); return -2; }\n", "  calls.symbols.Release(enumerator);\n") }])],
    },
    {
      name: "handed to a helper that only reads memory at it, the pointer is still owed: a return skips its table's Release, which the repair writes",
      code: PROBE("", "  if (verbose) return 1;\n"),
      errors: [missing("factory", "D2D1CreateFactory", "the return at line 19", "calls.symbols.Release(factory)", 15, 7, [{ messageId: "insertReleaseAtExit", output: PROBE("", "  if (verbose) { calls.symbols.Release(factory); return 1; }\n") }])],
    },
    {
      name: "a script's object never released, its table closed at the end: the message names the table's Release, and no repair is offered (the table is closed)",
      code: SCRIPT("secondCalls.symbols.Release(second);\n"),
      errors: [missing("first", "make", "the program ends: no code in this file releases `first`, which holds it", "firstCalls.symbols.Release(first)", 18, 15, [])],
    },
    {
      name: "a return before the table is made: the message names the table's Release, and no repair is offered (a bigint has no `.Release()`, the table is not made yet there)",
      code: PROBE("  if (verbose) return 1;\n", ""),
      errors: [missing("factory", "D2D1CreateFactory", "the return at line 17", "calls.symbols.Release(factory)", 15, 7, [])],
    },
    {
      name: "a function of a table linked from the object's vtable is a vtable call: what the box held is a COM object, never released; the repair uses the table's Release",
      code: POLL,
      errors: [missing("device", "CreateDevice", "the end of the function at line 23", "table.symbols.Release(device)", 15, 7, [{ messageId: "insertReleaseAtExit", output: POLL.replace("  table.symbols.Poll(device);\n", "  table.symbols.Poll(device);\n  table.symbols.Release(device);\n") }])],
    },
  ],
};
