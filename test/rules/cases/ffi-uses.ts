/**
 * Calls that only use a pointer, and what is and is not an out box, as public Bun and Deno code writes them:
 * bun:ffi's `read.ptr(p)` (the vtable's address), node:assert's `assert(p)`, a box passed as a byte view of itself
 * (`new Uint8Array(out.buffer)`, what a Deno "buffer" parameter takes), and a struct buffer read at offsets after a
 * call given `IID_NULL` (IDispatch::Invoke's EXCEPINFO), which holds no interface.
 */
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

const BUN_PRELUDE = `import { CFunction, FFIType, ptr, read, type Pointer } from "bun:ffi";
declare function CoCreateInstance(clsid: unknown, outer: null, ctx: number, iid: unknown, out: unknown): number;
declare const CLSID_X: Buffer, IID_X: Buffer;
const IUNKNOWN_RELEASE = 2, DO_WORK = 3;
function vcall(obj: Pointer, slot: number): number {
  return (CFunction({ ptr: read.ptr(read.ptr(obj, 0) as Pointer, slot * 8) as Pointer, args: [FFIType.ptr], returns: FFIType.i32 }) as any)(obj);
}
`;

/** `use` runs on the pointer before its vtable call; `end` before the end of the function. */
const BUN_OBJECT = (use: string) => (end: string) => `${BUN_PRELUDE}${use.includes("assert") ? 'import assert from "node:assert/strict";\n' : ""}export function work(): void {
  const out = new BigUint64Array(1);
  if (CoCreateInstance(CLSID_X, null, 1, IID_X, ptr(out)) < 0) return;
  const store = Number(out[0]) as Pointer;
${use}  vcall(store, DO_WORK);
${end}}
`;

const USES: Record<string, string> = {
  "bun:ffi's read.ptr(p), the vtable's address": "  console.log(read.ptr(store));\n",
  "node:assert's assert(p)": '  assert(store, "no store");\n',
};

/** A Deno box passed to the export as a byte view of itself. */
const DENO_VIEW = (end: string) => `const ole = Deno.dlopen("ole32.dll", {
  CoCreateInstance: { parameters: ["buffer", "pointer", "u32", "buffer", "buffer"], result: "i32" },
} as const);
declare const CLSID_ShellLink: Uint8Array<ArrayBuffer>, IID_IShellLinkW: Uint8Array<ArrayBuffer>;
const IUNKNOWN_RELEASE = 2, SET_PATH = 20;
function vcall(self: Deno.PointerValue, slot: number, ...args: Uint8Array[]): number {
  const table = new Deno.UnsafePointerView(self!).getPointer(0)!;
  const fn = new Deno.UnsafeFnPointer(new Deno.UnsafePointerView(table).getPointer(slot * 8)!, { parameters: ["pointer", ...args.map(() => "buffer" as const)], result: "i32" });
  return (fn.call as (...a: unknown[]) => number)(self, ...args);
}
export function setPath(path: Uint8Array): void {
  const out = new BigUint64Array(1);
  if (ole.symbols.CoCreateInstance(CLSID_ShellLink, null, 1, IID_IShellLinkW, new Uint8Array(out.buffer)) < 0) return;
  const link = Deno.UnsafePointer.create(out[0]);
  vcall(link, SET_PATH, path);
${end}}
`;

/** IDispatch::Invoke given IID_NULL and an EXCEPINFO buffer whose BSTR fields the code frees. */
const INVOKE = `import { CFunction, dlopen, type Pointer, ptr, read } from "bun:ffi";
const automation = dlopen("oleaut32.dll", { SysFreeString: { args: ["ptr"], returns: "void" } });
const RELEASE = 2, INVOKE = 6, EXCEPINFO_BYTES = 64;
const IID_NULL = Buffer.alloc(16);
function vcall(object: Pointer, slot: number, ...values: (number | null)[]): number {
  const address = read.ptr(read.ptr(object), slot * 8);
  return Number(CFunction({ ptr: address as Pointer, args: ["ptr", "i32", "ptr", "u32", "u16", "ptr", "ptr", "ptr", "ptr"], returns: "i32" })(object, ...values));
}
export function invoke(shell: Pointer, dispatchId: number, parameters: Buffer): number {
  const exception = Buffer.alloc(EXCEPINFO_BYTES);
  try {
    return vcall(shell, INVOKE, dispatchId, ptr(IID_NULL), 0, 1, ptr(parameters), null, ptr(exception), null);
  } finally {
    for (const offset of [8, 16, 24]) {
      const address = exception.readBigUInt64LE(offset);
      if (address) automation.symbols.SysFreeString(Number(address) as Pointer);
    }
  }
}
export function done(shell: Pointer): void {
  vcall(shell, RELEASE);
}
`;

export const cases: RuleCases = {
  valid: [
    ...Object.entries(USES).map(([name, use]) => ({ name: `${name} only uses the pointer: released after it, no report`, code: BUN_OBJECT(use)("  vcall(store, IUNKNOWN_RELEASE);\n") })),
    { name: "a Deno box passed as new Uint8Array(out.buffer) is the box: its pointer, released, owes nothing", code: DENO_VIEW("  vcall(link, IUNKNOWN_RELEASE);\n") },
    { name: "a struct buffer read at offsets after IDispatch::Invoke (given IID_NULL, which asks for no interface): its BSTRs, freed with SysFreeString, are no COM objects", code: INVOKE },
  ],
  invalid: [
    ...Object.entries(USES).map(([name, use]) =>
      leakCase(
        `${name} only uses the pointer: never released after it, it leaks`,
        BUN_OBJECT(use),
        { pointer: "store", acquirer: "CoCreateInstance", reached: `the end of the function at line ${use.includes("assert") ? 15 : 14}` },
        [use.includes("assert") ? 11 : 10, 7],
        "vcall(store, IUNKNOWN_RELEASE)",
        `${use}  vcall(store, DO_WORK);\n`,
      ),
    ),
    leakCase(
      "a Deno box passed as new Uint8Array(out.buffer) is the box: its pointer, never released, leaks",
      DENO_VIEW,
      { pointer: "link", acquirer: "CoCreateInstance", reached: "the end of the function at line 16" },
      [13, 7],
      "vcall(link, IUNKNOWN_RELEASE)",
      "  vcall(link, SET_PATH, path);\n",
    ),
  ],
};
