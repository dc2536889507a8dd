/**
 * Helpers that only use the pointer they are given, in the shapes of raw FFI code (spec 2a, shape 8):
 * their summaries must say so, or every caller would hand its pointer to them and a forgotten
 * release would go unseen. And the converse: a helper is a vtable dispatcher only when it indexes a
 * vtable (`slot * 8`), not whenever it multiplies its second parameter (`w * h`).
 */
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare function comRelease(p: bigint): void;
declare const device: bigint;
declare const context: bigint;
const DEV_CREATE_BLEND_STATE = 20;
const CTX_OM_SET_BLEND_STATE = 35;
const CTX_COPY_RESOURCE = 47;
const BLEND_GET_DESC = 7;
const factors = Buffer.alloc(16);
`;

/** `0n` restores the default blend: a null test of the argument, then a vtable argument. */
const BIND_BLEND = `function bindBlend(blend: bigint): void {
  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64, FFIType.ptr], [blend, blend === 0n ? null : factors.ptr!]);
}
`;

/** Passes the texture on to a helper that uses it, and its sizes to Buffer methods (kept for all it knows). */
const READBACK = `function readbackInto(tex: bigint, w: number, h: number, target: Buffer): Buffer {
  vcall(context, CTX_COPY_RESOURCE, [FFIType.u64], [tex]);
  target.writeUInt32LE(w, 0);
  target.writeUInt32LE(h, 4);
  return target;
}
function readback(tex: bigint, w: number, h: number): Buffer {
  return readbackInto(tex, w, h, Buffer.alloc(w * h * 4));
}
`;

/**
 * A WinRT activation factory made inside a callback of a scoped-HSTRING wrapper (a koffi media-session bridge): the
 * wrapper returns what the callback returns (`return body(h)`), so its call is the callback's acquisition.
 */
const WRAPPED_FACTORY = (end: string) => `import koffi from "koffi";
const combase = koffi.load("combase.dll");
const roGetActivationFactory = combase.func("RoGetActivationFactory", "int", ["void *", "void *", "void *"]);
const windowsCreateString = combase.func("WindowsCreateString", "int", ["str16", "uint32", "void *"]);
const windowsDeleteString = combase.func("WindowsDeleteString", "int", ["void *"]);
const slot = (p: unknown, i: number) => koffi.decode(koffi.decode(p, "void*"), i * 8, "void*");
const release = (p: unknown) => { if (p) koffi.call(slot(p, 2), "REL", p); };
const withHString = <T>(value: string, body: (h: bigint) => T): T => {
  const out = Buffer.alloc(8);
  windowsCreateString(value, value.length, out);
  const h = out.readBigUInt64LE(0);
  try { return body(h); } finally { windowsDeleteString(h); }
};
const activationFactory = (name: string, iid: Buffer): bigint => withHString(name, (h) => {
  const out = Buffer.alloc(8);
  if ((roGetActivationFactory(h, iid, out) as number) < 0) throw new Error("RoGetActivationFactory");
  return out.readBigUInt64LE(0);
});
export function interopOf(iid: Buffer): number {
  const interop = activationFactory("Windows.Media.SystemMediaTransportControls", iid);
  const value = koffi.call(slot(interop, 6), "GET", interop) as number;
${end}  return value;
}
`;

/** The same wrapper given a callback that only uses an object it is handed (`putString`): its result is no pointer. */
const WRAPPED_USE = `import koffi from "koffi";
const combase = koffi.load("combase.dll");
const windowsCreateString = combase.func("WindowsCreateString", "int", ["str16", "uint32", "void *"]);
const windowsDeleteString = combase.func("WindowsDeleteString", "int", ["void *"]);
const slot = (p: unknown, i: number) => koffi.decode(koffi.decode(p, "void*"), i * 8, "void*");
const withHString = <T>(value: string, body: (h: bigint) => T): T => {
  const out = Buffer.alloc(8);
  windowsCreateString(value, value.length, out);
  const h = out.readBigUInt64LE(0);
  try { return body(h); } finally { windowsDeleteString(h); }
};
export function putString(object: bigint, value: string): number {
  return withHString(value, (h) => koffi.call(slot(object, 7), "PUT", object, h) as number);
}
`;

/**
 * A bun:ffi WMI client's `property(object, name)`: it uses `object` only inside the callback a wrapper runs at once
 * (`withVariant((v) => comCall(object, GET, ...))`), as the object of a vtable call: the caller still owes its Release.
 */
const PROPERTY_IN_CALLBACK = (end: string) => `import { CFunction, FFIType, ptr, read, type Pointer } from "bun:ffi";
export function comCall(object: Pointer, slot: number, argTypes: readonly FFIType[], values: readonly unknown[]): number {
  const address = read.ptr(read.ptr(object, 0) as Pointer, slot * 8) as Pointer;
  const method = CFunction({ ptr: address, returns: FFIType.i32, args: [FFIType.ptr, ...argTypes] }) as unknown as (...args: unknown[]) => number;
  return method(object, ...values);
}
export function releaseCom(object: Pointer): void {
  comCall(object, 2, [], []);
}
function withVariant<T>(fn: (value: Uint8Array) => T): T {
  const variant = new Uint8Array(24);
  try { return fn(variant); } finally { variant.fill(0); }
}
function property(object: Pointer, name: string): number {
  return withVariant((variant) => comCall(object, 4, [FFIType.ptr, FFIType.ptr], [ptr(Buffer.from(name)), ptr(variant)]));
}
export function readOutput(service: Pointer, path: Pointer): number {
  const out = new BigUint64Array(1);
  const hr = comCall(service, 24, [FFIType.ptr, FFIType.ptr], [path, ptr(out)]);
  if (hr !== 0 || out[0] === 0n) return hr;
  const output = Number(out[0]) as Pointer;
  const value = property(output, "ReturnValue");
${end}  return value;
}
`;

const blendDraw = (body: string) => `${PRELUDE}${BIND_BLEND}export function draw(): void {
  const out = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr], [out.ptr!]) !== 0) return;
  const blend = out.readBigUInt64LE(0);
  vcall(blend, BLEND_GET_DESC, [FFIType.ptr], [factors.ptr!]);
  bindBlend(blend);
${body}}
`;

const readbackDraw = (body: string) => `${PRELUDE}${READBACK}export function snapshot(): Buffer {
  const out = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr], [out.ptr!]) !== 0) throw new Error("CreateTexture2D failed");
  const tex = out.readBigUInt64LE(0);
  const pixels = readback(tex, 64, 64);
${body}  return pixels;
}
`;

/**
 * An acquire helper that returns what its box received, whose result one caller keeps in a field (a public bun:ffi
 * recorder's constructor: \`this.device = defaultDevice(en)\`, released by \`close()\`): the field's own uses judge that
 * call, and the helper's other callers hold a COM object too. \`end\` runs before \`leaks\` returns.
 */
const FIELD_KEPT = (end: string) => `import { CFunction, read } from "bun:ffi";
function vcall(p: number, slot: number, ...args: unknown[]): number {
  const fn = read.ptr(read.ptr(p, 0), slot * 8);
  return CFunction({ ptr: fn, args: ["ptr"], returns: "i32" })(p, ...args) as number;
}
function release(p: number): void {
  if (p) vcall(p, 2);
}
function defaultDevice(en: number): number {
  const out = new BigUint64Array(1);
  const hr = vcall(en, 4, 0, 0, out);
  return hr === 0 ? Number(out[0]) : 0;
}
export function leaks(en: number): string {
  const dev = defaultDevice(en);
  const name = dev ? String(vcall(dev, 5)) : "";
${end}  return name;
}
export class Capture {
  device = 0;
  constructor(en: number) {
    this.device = defaultDevice(en);
  }
  close(): void {
    release(this.device);
    this.device = 0;
  }
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a helper using its parameter only inside a callback a wrapper runs at once, the caller releasing it after: no report", code: PROPERTY_IN_CALLBACK("  releaseCom(output);\n") },
    {
      name: "a helper using its parameter as a vtable call's object in a closure that may run later (setTimeout): the closure keeps it, the caller owes nothing here (no report)",
      code: PROPERTY_IN_CALLBACK("").replace(
        "  return withVariant((variant) => comCall(object, 4, [FFIType.ptr, FFIType.ptr], [ptr(Buffer.from(name)), ptr(variant)]));",
        "  setTimeout(() => comCall(object, 4, [FFIType.ptr], [ptr(Buffer.from(name))]), 10);\n  return 0;",
      ),
    },
    {
      name: "a wrapper's callback filling the caller's box and returning its read: the caller releases the box's pointer, which is the same object (no report)",
      code: WRAPPED_FACTORY("").replace(
        /const activationFactory[\s\S]*$/,
        `export function interopOf(iid: Buffer): number {
  const out = Buffer.alloc(8);
  const p = withHString("X", (h) => {
    if ((roGetActivationFactory(h, iid, out) as number) < 0) throw new Error("RoGetActivationFactory");
    return out.readBigUInt64LE(0);
  });
  const value = koffi.call(slot(p, 6), "GET", p) as number;
  release(out.readBigUInt64LE(0));
  return value;
}
`,
      ),
    },
    {
      name: "a generator that returns its callback's result runs nothing when called: its iterator is no pointer (no report)",
      code: WRAPPED_FACTORY("").replace("const withHString = <T>(value: string, body: (h: bigint) => T): T => {", "function* lazily<T>(body: () => T) { return body(); }\nconst withHString = <T>(value: string, body: (h: bigint) => T): T => {").replace("export function interopOf(iid: Buffer): number {", "export function later(): void {\n  const it = lazily(() => activationFactory(\"X\", Buffer.alloc(16)));\n  it.next();\n}\nexport function interopOf(iid: Buffer): number {").replace("  return value;\n}\n", "  release(interop);\n  return value;\n}\n"),
    },
    { name: "a wrapper's callback making an activation factory, the caller releasing it (release(interop)): no report", code: WRAPPED_FACTORY("  release(interop);\n") },
    {
      name: "a function that keeps the callback it runs (kept.push(body)) is no wrapper: what it returns is not taken for the callback's pointer (no report, the callback hands its pointer on)",
      code: WRAPPED_FACTORY("").replace("  try { return body(h); }", "  kept.push(body);\n  try { return body(h); }").replace("const withHString", "const kept: unknown[] = [];\nconst withHString"),
    },
    { name: "a wrapper's callback only using the object the caller gives it (withHString(value, (h) => koffi.call(slot(object, 7), ...))): no report", code: WRAPPED_USE },
    { name: "an acquire helper whose result one caller keeps in a field (this.device = defaultDevice(en)) still acquires at its other calls: released there", code: FIELD_KEPT("  release(dev);\n") },
    { name: "a helper that tests its argument against null and binds it: the caller releases it", code: blendDraw("  comRelease(blend);\n") },
    { name: "a helper passing its argument on to one that uses it: the caller releases it", code: readbackDraw("  comRelease(tex);\n") },
    {
      name: "a helper multiplying its second parameter (`w * h`) is no vtable dispatcher: its release counts",
      code: `${PRELUDE}function uploadAndFree(tex: bigint, w: number, h: number): void {
  const bytes = Buffer.alloc(w * h * 4);
  vcall(context, CTX_COPY_RESOURCE, [FFIType.u64, FFIType.ptr], [tex, bytes.ptr!]);
  comRelease(tex);
}
export function upload(): void {
  const out = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr], [out.ptr!]) !== 0) return;
  const tex = out.readBigUInt64LE(0);
  uploadAndFree(tex, 64, 64);
}
`,
    },
  ],
  invalid: [
    leakCase(
      "a helper using its parameter only inside a callback a wrapper runs at once, as a vtable call's object (withVariant((v) => comCall(object, GET, ...))): the caller still owes the release",
      PROPERTY_IN_CALLBACK,
      { pointer: "output", acquirer: "comCall", reached: "the return at line 23" },
      [19, 14],
      "comCall(output, 2, [], [])",
      '  const value = property(output, "ReturnValue");\n  return value;\n',
    ),
    leakCase(
      "a wrapper returning what the callback it is given returns (withHString(name, (h) => { ...; return out.readBigUInt64LE(0) })) hands its caller the callback's pointer: never released, it leaks",
      WRAPPED_FACTORY,
      { pointer: "interop", acquirer: "activationFactory", reached: "the return at line 22" },
      [20, 19],
      'koffi.call(slot(interop, 2), "REL", interop)',
      '  const value = koffi.call(slot(interop, 6), "GET", interop) as number;\n  return value;\n',
    ),
    leakCase(
      "an acquire helper whose result one caller keeps in a field (this.device = defaultDevice(en)) still acquires at its other calls: never released there, it leaks",
      FIELD_KEPT,
      { pointer: "dev", acquirer: "defaultDevice", reached: "the return at line 17" },
      [15, 15],
      "release(dev)",
      "  const name = dev ? String(vcall(dev, 5)) : \"\";\n  return name;\n",
    ),
    leakCase(
      "a helper that tests its argument against null only uses it: the caller still owes the release",
      blendDraw,
      { pointer: "blend", acquirer: "DEV_CREATE_BLEND_STATE", reached: "the end of the function at line 20" },
      [16, 7],
      "vcall(blend, 2, [], [])",
      "  vcall(blend, BLEND_GET_DESC, [FFIType.ptr], [factors.ptr!]);\n  bindBlend(blend);\n",
    ),
    leakCase(
      "a helper passing its argument on to one that uses it (its other arguments kept): the caller still owes the release",
      readbackDraw,
      { pointer: "tex", acquirer: "DEV_CREATE_BLEND_STATE", reached: "the return at line 25" },
      [22, 7],
      "vcall(tex, 2, [], [])",
      "  const pixels = readback(tex, 64, 64);\n  return pixels;\n",
    ),
  ],
};
