/**
 * bun:ffi code whose vtable lookup returns the method already bound to its object (`method(p, SLOT.release, [])`
 * returns `(...a) => fn(p, ...a)`), as a public WebView2 host and shell opener write it: called at once with the
 * method's arguments (`method(p, 0, sig)(ptr(iid), ptr(out))` is a QueryInterface filling `out`), or kept in a
 * variable and called later with no arguments (the object's method, its Release too); a Release so bound that
 * another function calls (a queue of releases drained in `finally`) hands the object to that function. And a box
 * filled inside a callback (`withBuffer(iid, (a) => vcall(obj, QI, [a, ptr(out)]))`) that the caller reads after
 * the call: filled for the caller, as if the acquisition were written in place.
 */
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

const HEAD = `import { CFunction, dlopen, type Pointer, ptr, read } from "bun:ffi";
const ole = dlopen("ole32.dll", { CoCreateInstance: { args: ["ptr", "ptr", "u32", "ptr", "ptr"], returns: "i32" } });
declare const CLSID_X: Buffer, IID_X: Buffer, IID_Y: Buffer;
const SLOT = { queryInterface: 0, release: 2, run: 7 } as const;
const method = (object: Pointer, slot: number, args: ("ptr" | "u32")[]) => {
  const address = read.ptr(read.ptr(object), slot * 8);
  const binding = CFunction({ ptr: address as Pointer, args: ["ptr", ...args], returns: "i32" });
  return (...values: (number | null)[]) => Number(binding(object, ...values));
};
`;

/** One object made, its method run through a bound lookup; `end` closes the function. */
const BOUND = (end: string) => `${HEAD}export function run(): void {
  const output = new BigUint64Array(1);
  if (ole.symbols.CoCreateInstance(ptr(CLSID_X), null, 1, ptr(IID_X), ptr(output)) < 0) throw new Error("failed");
  const object = Number(output[0]) as Pointer;
  method(object, SLOT.run, [])();
${end}}
`;

/** Every object an acquire helper makes has its bound Release queued; `drain` empties the queue in `finally`. */
const RELEASE_QUEUE = (drain: string) => `${HEAD}export function open(): void {
  const releases: (() => void)[] = [];
  const objectFrom = (invoke: (out: Pointer) => number): Pointer => {
    const output = new BigUint64Array(1);
    if (invoke(ptr(output)) < 0 || !output[0]) throw new Error("failed");
    const object = Number(output[0]) as Pointer;
    const release = method(object, SLOT.release, []);
    releases.push(() => release());
    return object;
  };
  const query = (object: Pointer, iid: Buffer) => objectFrom((out) => method(object, SLOT.queryInterface, ["ptr", "ptr"])(ptr(iid), out));
  try {
    const first = objectFrom((out) => ole.symbols.CoCreateInstance(ptr(CLSID_X), null, 1, ptr(IID_X), out));
    const second = query(first, IID_Y);
    method(second, SLOT.run, [])();
  } finally {
${drain}  }
}
`;

const ONE_PATH = BOUND("  const release = method(object, SLOT.release, []);\n  if (release.length > 0) return;\n  release();\n");

/** QueryInterface through the bound method called at once, checked by a helper that throws; `use` uses the result. */
const CALLED_AT_ONCE = (use: string) => `${HEAD}function hr(value: number, what: string): void {
  if (value < 0) throw new Error(what);
}
export function query(object: Pointer): Pointer {
  const out = new BigUint64Array(1);
  hr(method(object, SLOT.queryInterface, ["ptr", "ptr"])(ptr(IID_Y), ptr(out)), "QueryInterface");
  return Number(out[0]) as Pointer;
}
export function use(object: Pointer): void {
  const other = query(object);
  method(other, SLOT.run, [])();
${use}}
`;

/** The box filled by a QueryInterface inside a callback that `withBuffer` runs; the caller reads it after. */
export const CALLBACK_FILL = (end: string) => `import { CFunction, FFIType, ptr, read, type Pointer } from "bun:ffi";
const RELEASE = 2, QUERY_INTERFACE = 0, USE = 5;
function vcall(obj: Pointer, slot: number, args: FFIType[], values: unknown[]): number {
  const fn = CFunction({ ptr: read.ptr(read.ptr(obj, 0) as Pointer, slot * 8) as Pointer, args: [FFIType.ptr, ...args], returns: FFIType.i32 });
  return (fn as any)(obj, ...values);
}
function withBuffer<T>(buffer: Buffer, invoke: (address: Pointer) => T): T {
  return invoke(ptr(buffer));
}
export function use(obj: Pointer, iid: Buffer): void {
  const out = new BigUint64Array(1);
  if (withBuffer(iid, (address) => vcall(obj, QUERY_INTERFACE, [FFIType.ptr, FFIType.ptr], [address, ptr(out)])) < 0) return;
  const iface = Number(out[0]) as Pointer;
  vcall(iface, USE, [], []);
${end}}
`;

/** A callback that `withBuffer` runs, and what the caller does with the box after it. */
const CALLBACK_OWN = (callback: string, after: string) => CALLBACK_FILL("").replace(
  "  if (withBuffer(iid, (address) => vcall(obj, QUERY_INTERFACE, [FFIType.ptr, FFIType.ptr], [address, ptr(out)])) < 0) return;\n  const iface = Number(out[0]) as Pointer;\n  vcall(iface, USE, [], []);\n",
  `${callback}${after}`,
);

/** QueryInterface through the bound method called at once inside a callback of an imported-style `withBuffer` (a public WebView2 host's `query`). */
const QUERY_IN_CALLBACK = (use: string) => `${HEAD}declare function withBuffer<T>(buffer: Buffer, invoke: (address: Pointer) => T): T;
function hr(value: number, what: string): void {
  if (value < 0) throw new Error(what);
}
export function query(object: Pointer, iid: Buffer): Pointer {
  const out = new BigUint64Array(1);
  hr(withBuffer(iid, (address) => method(object, 0, ["ptr", "ptr"])(address, ptr(out))), "QueryInterface");
  return Number(out[0]) as Pointer;
}
export function use(object: Pointer): void {
  const other = query(object, IID_Y);
  method(other, SLOT.run, [])();
${use}}
`;

/**
 * bun:ffi's `CFunction({ ptr: vtableMethodPointer(p, SLOT), ... })` called on `p`: the method at that slot (a WASAPI
 * capture harness's release helper, its slot constant ending in `_VTABLE_INDEX`).
 */
const CFUNCTION_RELEASE = (end: string) => `import { CFunction, FFIType, type Pointer, ptr, read } from "bun:ffi";
const IUNKNOWN_RELEASE_VTABLE_INDEX = 2;
function vtableMethodPointer(comObject: bigint, vtableIndex: number): Pointer {
  const vt = read.u64(Number(comObject) as Pointer, 0);
  return Number(read.u64(Number(vt) as Pointer, vtableIndex * 8)) as Pointer;
}
function releaseComObject(comObject: bigint): void {
  if (comObject === 0n) return;
  const methodPointer = vtableMethodPointer(comObject, IUNKNOWN_RELEASE_VTABLE_INDEX);
  const releaseFn = CFunction({ args: [FFIType.u64], ptr: methodPointer, returns: FFIType.u32 });
  try {
    releaseFn(comObject);
  } finally {
    releaseFn.close();
  }
}
export function activate(device: bigint, fail: boolean): void {
  const out = Buffer.alloc(8);
  const activateFn = CFunction({ args: [FFIType.u64, FFIType.ptr], ptr: vtableMethodPointer(device, 3), returns: FFIType.i32 });
  activateFn(device, ptr(out));
  const client = out.readBigUInt64LE();
${end}  releaseComObject(client);
}
`;

/** A bound Release queued by a function that may return first. */
const QUEUED_LATE = `${HEAD}export function create(): Pointer {
  const output = new BigUint64Array(1);
  if (ole.symbols.CoCreateInstance(ptr(CLSID_X), null, 1, ptr(IID_X), ptr(output)) < 0) throw new Error("failed");
  return Number(output[0]) as Pointer;
}
export function run(releases: (() => void)[], flag: boolean): void {
  const object = create();
  const release = method(object, SLOT.release, []);
  if (flag) return;
  releases.push(() => release());
}
`;

/** koffi: a method looked up and called at once on its object, with a bare out box. */
const KOFFI_AT_ONCE = (end: string) => `const koffi = require("koffi");
const QIProto = koffi.proto("int QueryInterface(void *self, void *riid, _Out_ void **ppv)");
const ReleaseProto = koffi.proto("uint32 Release(void *self)");
const RunProto = koffi.proto("int Run(void *self)");
function comMethod(obj, index, proto) {
  const vtbl = koffi.decode(obj, "void *");
  const fn = koffi.decode(vtbl, index * 8, "void *");
  return koffi.decode(fn, koffi.pointer(proto));
}
function query(p, iid) {
  const out = [null];
  if (comMethod(p, 0, QIProto)(p, iid, out) !== 0) return 0;
  const q = out[0];
  comMethod(q, 6, RunProto)(q);
${end}  return 1;
}
function dispose(p) {
  comMethod(p, 2, ReleaseProto)(p);
}
module.exports = { query, dispose };
`;

/** An invalid case reported once, whose one repair releases at the exit: `exit` in the code becomes `repaired`. */
function leakAtExit(name: string, code: string, data: { pointer: string; acquirer: string; reached: string; release: string }, [line, column]: [number, number], exit: string, repaired: string) {
  return { name, code, errors: [{ messageId: "missingRelease" as const, data, line, column, suggestions: [{ messageId: "insertReleaseAtExit" as const, output: code.replace(exit, repaired) }] }] };
}

const DRAIN = "    for (const release of releases.reverse()) release();\n";

export const cases: RuleCases = {
  valid: [
    { name: "a Release bound to its object and called later with no arguments (const release = method(object, SLOT.release, []); release()) releases it", code: BOUND("  const release = method(object, SLOT.release, []);\n  release();\n") },
    { name: "a QueryInterface through a bound method called at once (method(object, 0, sig)(ptr(iid), ptr(out))) in a helper that returns the pointer: released by the caller", code: CALLED_AT_ONCE("  method(other, SLOT.release, [])();\n") },
    { name: "a box filled by a QueryInterface inside a callback another function runs (withBuffer(iid, (a) => vcall(obj, QI, [a, ptr(out)]))), read after it and released: no report, in the callback either", code: CALLBACK_FILL("  vcall(iface, RELEASE, [], []);\n") },
    { name: "koffi: a QueryInterface looked up and called at once on its object (comMethod(p, 0, proto)(p, iid, out)) with a bare [null] box, released", code: KOFFI_AT_ONCE("  comMethod(q, 2, ReleaseProto)(q);\n") },
    {
      name: "a callback that reads and releases the box it fills itself owns that pointer, whatever its caller does with the box after (out[0] = 0n)",
      code: CALLBACK_OWN("  withBuffer(iid, (address) => {\n    if (vcall(obj, QUERY_INTERFACE, [FFIType.ptr, FFIType.ptr], [address, ptr(out)]) < 0) return;\n    const iface = Number(out[0]) as Pointer;\n    vcall(iface, USE, [], []);\n    vcall(iface, RELEASE, [], []);\n  });\n", "  out[0] = 0n;\n"),
    },
    { name: "a QueryInterface through a bound method called at once inside a callback (withBuffer(iid, (a) => method(object, 0, sig)(a, ptr(out)))), returned and released by the caller: no report in the callback", code: QUERY_IN_CALLBACK("  method(other, SLOT.release, [])();\n") },
    { name: "a release helper calling a CFunction made from the Release slot's looked-up address (CFunction({ ptr: vtableMethodPointer(p, IUNKNOWN_RELEASE_VTABLE_INDEX) })) releases its parameter", code: CFUNCTION_RELEASE("") },
    { name: "a bound Release queued for a closure to call (releases.push(() => release())) hands the object to that queue: the helper's callers owe nothing", code: RELEASE_QUEUE(DRAIN) },
  ],
  invalid: [
    leakCase(
      "koffi: a QueryInterface looked up and called at once with a bare [null] box, never released: reported, the repair calls the looked-up Release on the object",
      KOFFI_AT_ONCE,
      { pointer: "q", acquirer: "comMethod", reached: "the return at line 15" },
      [12, 7],
      "comMethod(q, 2, ReleaseProto)(q)",
      "  comMethod(q, 6, RunProto)(q);\n  return 1;\n",
    ),
    leakAtExit(
      "a bound Release queued for a closure only after an early return: the object is neither released nor handed on on that path",
      QUEUED_LATE,
      { pointer: "object", acquirer: "create", reached: "the return at line 18", release: "method(object, SLOT.release, [])()" },
      [16, 18],
      "  if (flag) return;",
      "  if (flag) { method(object, SLOT.release, [])(); return; }",
    ),
    leakAtExit(
      "a throw before the CFunction release helper is called leaves the pointer held: the repair calls the helper, not the lookup of the Release slot's address",
      CFUNCTION_RELEASE('  if (fail) throw new Error("failed");\n'),
      { pointer: "client", acquirer: "activateFn", reached: "the throw at line 22", release: "releaseComObject(client)" },
      [20, 3],
      '  if (fail) throw new Error("failed");',
      '  if (fail) { releaseComObject(client); throw new Error("failed"); }',
    ),
    leakCase(
      "a QueryInterface through a bound method called at once inside a callback, returned by the helper and never released by its caller",
      QUERY_IN_CALLBACK,
      { pointer: "other", acquirer: "query", reached: "the end of the function at line 22" },
      [20, 17],
      "method(other, SLOT.release, [])()",
      "  method(other, SLOT.run, [])();\n",
    ),
    leakCase(
      "a QueryInterface through a bound method called at once, in a helper that returns the pointer: never released by the caller, it leaks there",
      CALLED_AT_ONCE,
      { pointer: "other", acquirer: "query", reached: "the end of the function at line 21" },
      [19, 17],
      "method(other, SLOT.release, [])()",
      "  method(other, SLOT.run, [])();\n",
    ),
    leakCase(
      "a box filled inside a callback another function runs, read after it and never released: a leak of the caller's, reported at the callback's acquisition and the caller's end",
      CALLBACK_FILL,
      { pointer: "iface", acquirer: "QUERY_INTERFACE", reached: "the end of the function at line 15" },
      [12, 36],
      "vcall(iface, RELEASE, [], [])",
      "  vcall(iface, USE, [], []);\n",
    ),
    leakAtExit(
      "a bound Release called on one path only leaves the object held on the other: the repair calls the lookup at once",
      ONE_PATH,
      { pointer: "object", acquirer: "CoCreateInstance", reached: "the return at line 16", release: "method(object, SLOT.release, [])()" },
      [12, 7],
      "  if (release.length > 0) return;",
      "  if (release.length > 0) { method(object, SLOT.release, [])(); return; }",
    ),
    {
      name: "a file whose dispatcher returns the method (method(p, SLOT.run, [])()) and which releases nothing: the repair looks the Release up and calls it",
      code: BOUND(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "object", acquirer: "CoCreateInstance", reached: "the end of the function at line 15", release: "method(object, SLOT.release, [])()" },
          line: 12,
          column: 7,
          suggestions: [
            { messageId: "insertReleaseFinally", output: BOUND("").replace("  method(object, SLOT.run, [])();\n", "  try {\n    method(object, SLOT.run, [])();\n  } finally {\n    method(object, SLOT.release, [])();\n  }\n") },
            { messageId: "insertReleaseAtExit", output: BOUND("  method(object, SLOT.release, [])();\n") },
          ],
        },
      ],
    },
  ],
};
