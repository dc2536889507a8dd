/**
 * Objects that own pointers (spec 2a, shape 8): helpers that return their pointers in an object
 * (`return { blob, size }`; `const result = { tex }; if (srv) result.srv = ...; return result`),
 * and the callers that release `t.srv` and `t.tex`. Members follow their object: whatever hands
 * the object on hands on what it holds.
 */
import type { RuleCases } from "./types";

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare function comRelease(p: bigint): void;
declare const device: bigint;
const DEV_CREATE_TEXTURE_2D = 5;
const DEV_CREATE_SHADER_RESOURCE_VIEW = 7;
const CTX_PS_SET_SHADER_RESOURCES = 8;
function compile(): { blob: bigint; size: number } {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.ptr], [pp.ptr!]) !== 0) throw new Error("compile failed");
  const blob = pp.readBigUInt64LE(0);
  return { blob, size: 4 };
}
function makeTexture(srv: boolean): { tex: bigint; srv?: bigint } {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.ptr], [pp.ptr!]) !== 0) throw new Error("CreateTexture2D failed");
  const tex = pp.readBigUInt64LE(0);
  const result: { tex: bigint; srv?: bigint } = { tex };
  if (srv) {
    const ppSrv = Buffer.alloc(8);
    if (vcall(device, DEV_CREATE_SHADER_RESOURCE_VIEW, [FFIType.u64, FFIType.ptr], [tex, ppSrv.ptr!]) !== 0) {
      comRelease(tex);
      throw new Error("CreateShaderResourceView failed");
    }
    result.srv = ppSrv.readBigUInt64LE(0);
  }
  return result;
}
`;

const DESTROY = `function destroyTexture(t: { tex: bigint; srv?: bigint }): void {
  if (t.srv) comRelease(t.srv);
  comRelease(t.tex);
}
`;

const COMPILER = `declare const D3dcompiler_47: { D3DCompile(...args: unknown[]): number };
const BLOB_GET_BUFFER_SIZE = 4;
function blobSize(blob: bigint): number {
  return vcall(blob, BLOB_GET_BUFFER_SIZE, [], []);
}
export function compileOnce(): number {
  const ppCode = Buffer.alloc(8);
  const ppErr = Buffer.alloc(8);
  const hr = D3dcompiler_47.D3DCompile(null, 0n, ppCode.ptr!, ppErr.ptr!);
  if (hr !== 0) {
    comRelease(ppErr.readBigUInt64LE(0));
    throw new Error("compile failed");
  }
  const code = ppCode.readBigUInt64LE(0);
`;

const READER = `function shaderPointer(code: { blob: bigint; size: number; bytes?: Uint8Array }): number {
  return code.bytes !== undefined ? code.bytes.length : code.size;
}
`;


/**
 * `createDevice()` of a D3D11 helper library: a native export fills three boxes; a helper returns
 * them in a literal or `null`; the device helper retries it in a loop, destructures it, builds an
 * object whose methods capture its pointers (`present`, `recreateRTV`), files it in the module's
 * `activeGpu` (released by `destroyDevice()`) and returns it.
 */
const DEVICE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare function comRelease(p: bigint): void;
declare const D3d11: { D3D11CreateDeviceAndSwapChain(...args: unknown[]): number };
const SWAP_PRESENT = 8;
const SWAP_GET_BUFFER = 9;
const DEV_CREATE_RENDER_TARGET_VIEW = 9;
const CTX_DRAW = 13;
interface Gpu { device: bigint; context: bigint; swapChain: bigint; backBufferRTV: bigint; present(): void; recreateRTV(): void }
function tryCreate(driverType: number): { swap: bigint; device: bigint; context: bigint } | null {
  const ppSwap = Buffer.alloc(8);
  const ppDevice = Buffer.alloc(8);
  const ppContext = Buffer.alloc(8);
  const hr = D3d11.D3D11CreateDeviceAndSwapChain(null, driverType, ppSwap.ptr!, ppDevice.ptr!, ppContext.ptr!);
  if (hr !== 0) return null;
  return { swap: ppSwap.readBigUInt64LE(0), device: ppDevice.readBigUInt64LE(0), context: ppContext.readBigUInt64LE(0) };
}
let activeGpu: Gpu | null = null;
export function createDevice(order: readonly number[]): Gpu {
  let created: { swap: bigint; device: bigint; context: bigint } | null = null;
  for (const driverType of order) {
    created = tryCreate(driverType);
    if (created !== null) break;
  }
  if (created === null) throw new Error("no device");
  const { swap, device, context } = created;
  const gpu: Gpu = {
    device,
    context,
    swapChain: swap,
    backBufferRTV: 0n,
    present() {
      vcall(swap, SWAP_PRESENT, [FFIType.u32], [0]);
    },
    recreateRTV() {
      if (gpu.backBufferRTV !== 0n) {
        comRelease(gpu.backBufferRTV);
        gpu.backBufferRTV = 0n;
      }
      const ppBackBuffer = Buffer.alloc(8);
      if (vcall(swap, SWAP_GET_BUFFER, [FFIType.ptr], [ppBackBuffer.ptr!]) !== 0) throw new Error("GetBuffer failed");
      const backBuffer = ppBackBuffer.readBigUInt64LE(0);
      const ppRtv = Buffer.alloc(8);
      const rtvHr = vcall(device, DEV_CREATE_RENDER_TARGET_VIEW, [FFIType.u64, FFIType.ptr], [backBuffer, ppRtv.ptr!]);
      if (rtvHr !== 0) {
        comRelease(backBuffer);
        throw new Error("CreateRenderTargetView failed");
      }
      gpu.backBufferRTV = ppRtv.readBigUInt64LE(0);
      comRelease(backBuffer);
    },
  };
  gpu.recreateRTV();
  activeGpu = gpu;
  return gpu;
}
export function destroyDevice(): void {
  if (activeGpu === null) return;
  comRelease(activeGpu.backBufferRTV);
  comRelease(activeGpu.swapChain);
  comRelease(activeGpu.context);
  comRelease(activeGpu.device);
  activeGpu = null;
}
const gpu = createDevice([1, 2]);
function frame(): void {
  vcall(gpu.context, CTX_DRAW, [], []);
  gpu.present();
}
`;

const missing = (pointer: string, acquirer: string, reached: string, line: number, column: number, repairs?: { finally: string; atExit: string }) => ({
  messageId: "missingRelease",
  data: { pointer, acquirer, reached, release: `comRelease(${pointer})` },
  line,
  column,
  ...(repairs
    ? {
        suggestions: [
          { messageId: "insertReleaseFinally", data: { pointer }, output: `${PRELUDE}${repairs.finally}` },
          { messageId: "insertReleaseAtExit", data: { pointer, count: "1" }, output: `${PRELUDE}${repairs.atExit}` },
        ],
      }
    : {}),
});

/** A function that tears its device object down by hand on both of its ways out of the process. */
const TEARDOWN = (failure: string, success: string) => `${DEVICE}function cleanup(code: number): never {
  destroyDevice();
  process.exit(code);
}
export function main(fail: boolean): void {
  const g = createDevice([1]);
  vcall(g.context, CTX_DRAW, [], []);
  if (fail) {
${failure}    process.exit(1);
  }
${success}  cleanup(0);
}
`;
const ALL_FOUR = (indent: string) => ["backBufferRTV", "swapChain", "context", "device"].map((f) => `${indent}comRelease(g.${f});\n`).join("");

/** A script's device, used by a function of the script, torn down by hand before each of the two process exits. */
const SCRIPT_TEARDOWN = (failure: string, success: string) => `${DEVICE}declare const fail: boolean;
const g = createDevice([1]);
function frame(): void {
  vcall(g.context, CTX_DRAW, [], []);
}
frame();
if (fail) {
${failure}  process.exit(1);
}
${success}process.exit(0);
`;

/** Module textures torn down in a loop over a list of them (`for (const t of [sceneTex, bloom])`). */
const LOOP_TEARDOWN = (body: string) => `${PRELUDE}const sceneTex = makeTexture(true);
const bloom = makeTexture(true);
function frame(): void {
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [sceneTex.srv!, bloom.srv!]);
}
function cleanup(code: number): never {
  for (const t of [sceneTex, bloom]) {
${body}  }
  process.exit(code);
}
frame();
cleanup(0);
`;

/** A module texture a reset releases and makes again, and a cleanup that tears it down by hand and ends the process. */
const RESET_AND_CLEANUP = (cleanup: string, frame = "  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [sceneTex.srv!]);\n") => `${PRELUDE}let sceneTex = makeTexture(true);
function frame(): void {
${frame}}
function reset(): void {
  comRelease(sceneTex.srv!);
  comRelease(sceneTex.tex);
  sceneTex = makeTexture(true);
}
function cleanup(code: number): never {
${cleanup}  process.exit(code);
}
frame();
reset();
cleanup(0);
`;

/** Ping-pong textures that swap their objects every frame (`const tmp = front; front = back; back = tmp`). */
const PING_PONG = (teardown: string) => `${PRELUDE}let front = makeTexture(true);
let back = makeTexture(true);
function frame(): void {
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [front.srv!, back.srv!]);
  const tmp = front;
  front = back;
  back = tmp;
}
function cleanup(code: number): never {
${teardown}  process.exit(code);
}
frame();
cleanup(0);
`;
/** Two constant textures read through a cursor that a frame points at one or the other: the cursor swaps nothing. */
const CURSOR = (teardown: string) => `${PRELUDE}const hdr = makeTexture(true);
const hdr2 = makeTexture(true);
function frame(flip: boolean): void {
  let src = hdr;
  if (flip) src = hdr2;
  const dst = src === hdr ? hdr2 : hdr;
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [src.srv!, dst.srv!]);
}
function cleanup(code: number): never {
${teardown}  process.exit(code);
}
frame(true);
cleanup(0);
`;
const HDR_BOTH = ["hdr", "hdr2"].flatMap((t) => [`  comRelease(${t}.srv!);\n`, `  comRelease(${t}.tex);\n`]).join("");

/** The ping-pong of a solver: two constant fields, and cursors that swap them (`const tmp = read; read = write; write = tmp`). */
const CURSOR_SWAP = (teardown: string) => `${PRELUDE}const fieldA = makeTexture(true);
const fieldB = makeTexture(true);
let read = fieldA;
let write = fieldB;
declare function keep(p: bigint): void;
function step(): void {
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [read.srv!, write.srv!]);
  keep(read.tex);
  const tmp = read;
  read = write;
  write = tmp;
}
function cleanup(code: number): never {
${teardown}  process.exit(code);
}
step();
cleanup(0);
`;
const FIELDS_BOTH = ["fieldA", "fieldB"].flatMap((t) => [`  comRelease(${t}.srv!);\n`, `  comRelease(${t}.tex);\n`]).join("");

/** A file that releases through its own null-safe helper, and blobs through another: each pointer gets the form used for its kind. */
const OWN_FORMS = (body: string) => `${PRELUDE}declare function blobRelease(blob: bigint): void;
function releaseSafe(p: bigint | undefined): void {
  if (p) comRelease(p);
}
export function draw(): void {
  const code = compile();
  const t = makeTexture(true);
  const u = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!, u.srv!]);
${body}}
`;

const OWN_BODY = "  const shared = compile();\n  blobRelease(shared.blob);\n  releaseSafe(t.srv);\n  releaseSafe(u.srv);\n  releaseSafe(u.tex);\n";
/** The repairs of OWN_FORMS(OWN_BODY): `release` in a `finally` around what follows `from`, or at the function's end. */
const ownFormsRepairs = (from: string, release: string) => {
  const code = OWN_FORMS(OWN_BODY);
  const rest = code.slice(code.indexOf(from), code.lastIndexOf("}\n"));
  const indented = rest.replace(/^(?=.)/gm, "  ");
  return [
    { messageId: "insertReleaseFinally", output: code.replace(rest, `  try {\n${indented}  } finally {\n    ${release};\n  }\n`) },
    { messageId: "insertReleaseAtExit", output: code.replace(rest, `${rest}  ${release};\n`) },
  ];
};

const BOTH = ["front", "back"].flatMap((t) => [`  comRelease(${t}.srv!);\n`, `  comRelease(${t}.tex);\n`]).join("");

/** The device's `backBufferRTV` (set by its `recreateRTV()` method) used by `clear()`, and a teardown by hand of `released`. */
const RTV_CLEAR = (released: string[]) => `${DEVICE}const CTX_CLEAR = 50;
function clear(): void {
  vcall(gpu.context, CTX_CLEAR, [FFIType.u64], [gpu.backBufferRTV]);
}
function cleanup(code: number): never {
${released.map((field) => `  comRelease(gpu.${field});\n`).join("")}  process.exit(code);
}
clear();
cleanup(0);
`;

/** The object of either of two calls (`compile() ?? compile()`): `code.blob` may be either's. `end` runs before the return. */
const EITHER = (end: string) => `${PRELUDE}let cached: { blob: bigint; size: number } | null = null;
export function codeSize(): number {
  const code = compile() ?? compile();
${end}  return code.size;
}
`;
const EITHER_LEAK = (column: number) => ({
  messageId: "missingRelease" as const,
  data: { pointer: "code.blob", acquirer: "compile", reached: "the return at line 32", release: "comRelease(code.blob)" },
  line: 31,
  column,
  suggestions: [
    { messageId: "insertReleaseFinally" as const, output: EITHER("").replace("  return code.size;\n", "  try {\n    return code.size;\n  } finally {\n    comRelease(code.blob);\n  }\n") },
    { messageId: "insertReleaseAtExit" as const, output: EITHER("  comRelease(code.blob);\n") },
  ],
});

/** A module cache or a new object (\`cache ?? tryCompile(1)\`): the variable may hold the cache's. */
const CACHE_OR_NEW = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare function comRelease(p: bigint): void;
declare const device: bigint;
const DEV_CREATE_TEXTURE_2D = 5;
const DEV_CREATE_SHADER_RESOURCE_VIEW = 7;
function compile(): { blob: bigint; size: number } {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.ptr], [pp.ptr!]) !== 0) throw new Error("compile failed");
  const blob = pp.readBigUInt64LE(0);
  return { blob, size: 4 };
}
function tryCompile(level: number): { blob: bigint; size: number } | null {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.u32, FFIType.ptr], [level, pp.ptr!]) !== 0) return null;
  const blob = pp.readBigUInt64LE(0);
  return { blob, size: level };
}
function makeView(): { view: bigint } {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_SHADER_RESOURCE_VIEW, [FFIType.ptr], [pp.ptr!]) !== 0) throw new Error("view");
  return { view: pp.readBigUInt64LE(0) };
}
let cache: { blob: bigint; size: number } | null = null;
export function codeSize(): number {
  const code = cache ?? tryCompile(1);
  if (!code) return -1;
  return code.size;
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "the object of either of two calls (compile() ?? compile()), stored into a module variable: both calls' fields go with it", code: EITHER("  cached = { blob: code.blob, size: code.size };\n") },
    { name: "the object of either of two calls, its field released: both calls' fields are released", code: EITHER("  comRelease(code.blob);\n") },
    { name: "a module object a reset releases, torn down by hand in full by the function that ends the process", code: RESET_AND_CLEANUP("  comRelease(sceneTex.srv!);\n  comRelease(sceneTex.tex);\n") },
    { name: "a function that ends the process without tearing the module object down by hand: the reset's releases are the file's", code: RESET_AND_CLEANUP("") },
    {
      name: "a script's device that a function of the script uses, torn down by hand before both process exits",
      code: SCRIPT_TEARDOWN(ALL_FOUR("  "), ALL_FOUR("")),
    },
    {
      name: "a script's device that a timer uses, never torn down: it lives as long as the process, not only as long as the top level runs",
      code: `${DEVICE}const g = createDevice([1]);
setInterval(() => vcall(g.context, CTX_DRAW, [], []), 16);
`,
    },
    { name: "textures that swap their objects, every field of both released", code: PING_PONG(BOTH) },
    { name: "constant textures read through a cursor (`let src = hdr; if (flip) src = hdr2`), every field of both released: the cursor swaps nothing", code: CURSOR(HDR_BOTH) },
    { name: "constant fields swapped by cursors of a ping-pong, every field of both released", code: CURSOR_SWAP(FIELDS_BOTH) },
    { name: "module objects torn down in a loop over a list of them: every field released", code: LOOP_TEARDOWN("    comRelease(t.srv!);\n    comRelease(t.tex);\n") },
    {
      name: "module objects torn down in a loop over a constant list of them (`const all = [a, b]; for (const t of all)`): every field released",
      code: LOOP_TEARDOWN("    comRelease(t.srv!);\n    comRelease(t.tex);\n").replace("  for (const t of [sceneTex, bloom]) {", "  const all = [sceneTex, bloom];\n  for (const t of all) {"),
    },
    { name: "a device object torn down by hand before each way out of the process: every field released", code: TEARDOWN(ALL_FOUR("    "), ALL_FOUR("  ")) },
    {
      name: "every field of the returned objects released",
      code: `${PRELUDE}export function draw(): void {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  comRelease(t.srv!);
  comRelease(t.tex);
  const code = compile();
  comRelease(code.blob);
}
`,
    },
    {
      name: "an optional field the caller never uses was never made: only the texture is owed",
      code: `${PRELUDE}export function plain(): void {
  const t = makeTexture(false);
  comRelease(t.tex);
}
`,
    },
    {
      name: "an object handed to a helper that releases its fields",
      code: `${PRELUDE}${DESTROY}export function draw(): void {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  destroyTexture(t);
}
`,
    },
    {
      name: "an object stored into a list, or returned, hands its fields on",
      code: `${PRELUDE}const cache: unknown[] = [];
export function stored(): void {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  cache.push(t);
}
export function returned() {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  return t;
}
`,
    },
    {
      name: "a copy of the object may release its fields under its own name",
      code: `${PRELUDE}export function copied(): void {
  const t = makeTexture(true);
  const u = t;
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [u.srv!]);
  comRelease(u.srv!);
}
`,
    },
    {
      name: "an object whose own method releases what it holds",
      code: `${PRELUDE}export function disposer(): void {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.ptr], [pp.ptr!]) !== 0) return;
  const tex = pp.readBigUInt64LE(0);
  const holder = { tex, release() { comRelease(this.tex); } };
  holder.release();
}
`,
    },
    {
      name: "a local literal's member released, or the literal handed on",
      code: `${PRELUDE}declare function keep(o: unknown): void;
export function released(): void {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.ptr], [pp.ptr!]) !== 0) return;
  const pair = { a: pp.readBigUInt64LE(0) };
  comRelease(pair.a);
}
export function kept(): void {
  const pp = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_TEXTURE_2D, [FFIType.ptr], [pp.ptr!]) !== 0) return;
  const pair = { a: pp.readBigUInt64LE(0) };
  keep(pair);
}
`,
    },
    {
      name: "destructured fields released under their own names",
      code: `${PRELUDE}export function draw(): void {
  const { tex, srv } = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [srv!]);
  comRelease(srv!);
  comRelease(tex);
}
`,
    },
    {
      name: "a module object whose fields a never-returning teardown releases",
      code: `${PRELUDE}const shared = makeTexture(true);
function frame(): void {
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [shared.srv!]);
}
function cleanup(code: number): never {
  comRelease(shared.srv!);
  comRelease(shared.tex);
  process.exit(code);
}
frame();
cleanup(0);
`,
    },
    {
      name: "a module object handed to a helper that releases its fields",
      code: `${PRELUDE}${DESTROY}const shared = makeTexture(true);
const blend = Buffer.alloc(8);
function frame(): void {
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [shared.srv!]);
}
function cleanup(code: number): never {
  destroyTexture(shared);
  process.exit(code);
}
frame();
cleanup(0);
`,
    },
    {
      name: "a call filling two boxes (code and error blob): each released where it is owned",
      code: `${PRELUDE}${COMPILER}  const size = blobSize(code);
  comRelease(code);
  return size;
}
`,
    },
    {
      name: "a helper that only reads members of the object (`code.size`) leaves it the caller's, who releases its blob",
      code: `${PRELUDE}${READER}export function draw(): number {
  const code = compile();
  const size = shaderPointer(code);
  comRelease(code.blob);
  return size;
}
`,
    },
    {
      name: "a device object whose helper also files it in a module registry: the file that calls its teardown (`destroyDevice()`) owns no field",
      code: `${DEVICE}function cleanup(code: number): never {
  destroyDevice();
  process.exit(code);
}
frame();
cleanup(0);
`,
    },
    {
      name: "a field a method of the object sets (`recreateRTV()` sets `backBufferRTV`), used and released by hand",
      code: RTV_CLEAR(["backBufferRTV", "swapChain", "context", "device"]),
    },
    {
      name: "a device object torn down by hand: every field released",
      code: `${DEVICE}function cleanup(code: number): never {
  comRelease(gpu.backBufferRTV);
  comRelease(gpu.swapChain);
  comRelease(gpu.context);
  comRelease(gpu.device);
  process.exit(code);
}
frame();
cleanup(0);
`,
    },
    {
      name: "a helper returning a queried pointer twice (`out.readBigUInt64LE(0)`, `read.ptr(out.ptr, 0)`): one pointer, released once",
      code: `${PRELUDE}declare const read: { ptr(p: unknown, offset?: number): unknown };
declare const IID_IFOO: Uint8Array;
const IUNKNOWN_QUERY_INTERFACE = 0;
function query(p: bigint): { addr: bigint; hr: number; ptr: unknown } {
  const out = Buffer.alloc(8);
  const hr = vcall(p, IUNKNOWN_QUERY_INTERFACE, [FFIType.ptr, FFIType.ptr], [IID_IFOO, out.ptr!]);
  if (hr !== 0) return { addr: 0n, hr, ptr: null };
  return { addr: out.readBigUInt64LE(0), hr, ptr: read.ptr(out.ptr!, 0) };
}
export function use(p: bigint): void {
  const q = query(p);
  if (q.hr !== 0) return;
  vcall(q.addr, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [0]);
  comRelease(q.addr);
}
`,
    },
  ],
  invalid: [
    {
      name: "the cache's object or a new one (cache ?? tryCompile(1)), the new one never released: reported, with no repair (it could release the cache's)",
      code: CACHE_OR_NEW,
      errors: [{ messageId: "missingRelease", data: { pointer: "tryCompile(…).blob", acquirer: "tryCompile", reached: "the return at line 28", release: "vcall(tryCompile(…).blob, 2, [], [])" }, line: 26, column: 25, suggestions: [] }],
    },
    { name: "the object of either of two calls, its field never released: reported once, named after the variable", code: EITHER(""), errors: [EITHER_LEAK(16)] },
    {
      name: "a teardown that ends the process leaves out an optional field the file reads only through a copy (`const src = sceneTex; src.srv`)",
      code: RESET_AND_CLEANUP("  comRelease(sceneTex.tex);\n", "  const src = sceneTex;\n  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [src.srv!]);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "sceneTex.srv", acquirer: "makeTexture", reached: "the call to `process.exit` at line 41", release: "comRelease(sceneTex.srv)" },
          line: 37,
          column: 14,
          suggestions: [],
        },
      ],
    },
    {
      name: "a function that ends the process tears a module object down by hand and leaves a field out, though the reset releases it",
      code: RESET_AND_CLEANUP("  comRelease(sceneTex.tex);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "sceneTex.srv", acquirer: "makeTexture", reached: "the call to `process.exit` at line 40", release: "comRelease(sceneTex.srv)" },
          line: 36,
          column: 14,
          suggestions: [],
        },
      ],
    },
    {
      name: "a script's device that a function of the script uses, one field forgotten by the teardown before the early exit",
      code: SCRIPT_TEARDOWN(ALL_FOUR("  ").replace("  comRelease(g.swapChain);\n", ""), ALL_FOUR("")),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "g.swapChain", acquirer: "createDevice", reached: "the call to `process.exit` at line 80", release: "comRelease(g.swapChain)" },
          line: 71,
          column: 11,
          suggestions: [{ messageId: "insertReleaseAtExit", output: SCRIPT_TEARDOWN(`${ALL_FOUR("  ").replace("  comRelease(g.swapChain);\n", "")}  comRelease(g.swapChain);\n`, ALL_FOUR("")) }],
        },
      ],
    },
    {
      name: "a file releasing through its own helper, and blobs through another: the message and repair use the form the file uses for that kind of pointer",
      code: OWN_FORMS(OWN_BODY),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "code.blob", acquirer: "compile", reached: "the end of the function at line 43", release: "blobRelease(code.blob)" },
          line: 34,
          column: 16,
          suggestions: ownFormsRepairs("  const t = makeTexture(true);\n", "blobRelease(code.blob)"),
        },
        {
          messageId: "missingRelease",
          data: { pointer: "t.tex", acquirer: "makeTexture", reached: "the end of the function at line 43", release: "releaseSafe(t.tex)" },
          line: 35,
          column: 13,
          suggestions: ownFormsRepairs("  const u = makeTexture(true);\n", "releaseSafe(t.tex)"),
        },
      ],
    },
    {
      name: "textures that swap their objects, one field released under one name only: either object may be the one left",
      code: PING_PONG(BOTH.replace("  comRelease(back.srv!);\n", "")),
      errors: [
        {
          messageId: "missingRelease",
          // Released as `front.srv`, never as `back.srv`, which may hold it after a swap.
          data: { pointer: "front.srv", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `back.srv`, which holds it", release: "comRelease(back.srv)" },
          line: 29,
          column: 13,
        },
        {
          messageId: "missingRelease",
          data: { pointer: "back.srv", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `back.srv`, which holds it", release: "comRelease(back.srv)" },
          line: 30,
          column: 12,
        },
      ],
    },
    {
      name: "constant textures read through a cursor, one's texture never released: reported under its own name",
      code: CURSOR(HDR_BOTH.replace("  comRelease(hdr.tex);\n", "")),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "hdr.tex", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `hdr.tex`, which holds it", release: "comRelease(hdr.tex)" },
          line: 29,
          column: 13,
        },
      ],
    },
    {
      name: "constant fields swapped by cursors of a ping-pong, one field released under one constant only: the cursor handing the other on is no release of it",
      code: CURSOR_SWAP(FIELDS_BOTH.replace("  comRelease(fieldA.tex);\n", "")),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "fieldA.tex", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `fieldA.tex`, which holds it", release: "comRelease(fieldA.tex)" },
          line: 29,
          column: 16,
        },
      ],
    },
    {
      name: "module objects torn down in a loop over a list of them, one field forgotten: reported for each object",
      code: LOOP_TEARDOWN("    comRelease(t.tex);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "sceneTex.srv", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `sceneTex.srv`, which holds it", release: "comRelease(sceneTex.srv)" },
          line: 29,
          column: 18,
        },
        {
          messageId: "missingRelease",
          data: { pointer: "bloom.srv", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `bloom.srv`, which holds it", release: "comRelease(bloom.srv)" },
          line: 30,
          column: 15,
        },
      ],
    },
    {
      name: "module objects torn down in a loop over a constant list that more is pushed onto, one field forgotten: reported for the list's own elements",
      code: LOOP_TEARDOWN("    comRelease(t.tex);\n").replace("  for (const t of [sceneTex, bloom]) {", "  const all = [sceneTex];\n  all.push(bloom);\n  for (const t of all) {"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "sceneTex.srv", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `sceneTex.srv`, which holds it", release: "comRelease(sceneTex.srv)" },
          line: 29,
          column: 18,
        },
      ],
    },
    {
      name: "module objects torn down in a loop over a constant list of them, one field forgotten: reported for each object",
      code: LOOP_TEARDOWN("    comRelease(t.tex);\n").replace("  for (const t of [sceneTex, bloom]) {", "  const all = [sceneTex, bloom];\n  for (const t of all) {"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "sceneTex.srv", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `sceneTex.srv`, which holds it", release: "comRelease(sceneTex.srv)" },
          line: 29,
          column: 18,
        },
        {
          messageId: "missingRelease",
          data: { pointer: "bloom.srv", acquirer: "makeTexture", reached: "the program ends: no code in this file releases `bloom.srv`, which holds it", release: "comRelease(bloom.srv)" },
          line: 30,
          column: 15,
        },
      ],
    },
    {
      name: "a field a method of the object sets (`recreateRTV()` sets `backBufferRTV`), used, and forgotten by a teardown by hand",
      code: RTV_CLEAR(["swapChain", "context", "device"]),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "gpu.backBufferRTV", acquirer: "createDevice", reached: "the program ends: no code in this file releases `gpu.backBufferRTV`, which holds it", release: "comRelease(gpu.backBufferRTV)" },
          line: 65,
          column: 13,
        },
      ],
    },
    {
      name: "a device object torn down by hand before the process ends, one field forgotten on that path (released on the other)",
      code: TEARDOWN(ALL_FOUR("    "), ALL_FOUR("  ").replace("  comRelease(g.swapChain);\n", "")),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "g.swapChain", acquirer: "createDevice", reached: "the call to `cleanup` at line 87", release: "comRelease(g.swapChain)" },
          line: 75,
          column: 13,
          suggestions: [
            {
              messageId: "insertReleaseAtExit",
              output: TEARDOWN(ALL_FOUR("    "), `${ALL_FOUR("  ").replace("  comRelease(g.swapChain);\n", "")}  comRelease(g.swapChain);\n`),
            },
          ],
        },
      ],
    },
    {
      name: "an object given to a helper that only reads its members: its blob is still the caller's to release",
      code: `${PRELUDE}${READER}export function draw(): number {
  const code = compile();
  return shaderPointer(code);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "code.blob", acquirer: "compile", reached: "the return at line 34", release: "comRelease(code.blob)" },
          line: 33,
          column: 16,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "code.blob" },
              output: `${PRELUDE}${READER}export function draw(): number {
  const code = compile();
  try {
    return shaderPointer(code);
  } finally {
    comRelease(code.blob);
  }
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              data: { pointer: "code.blob", count: "1" },
              output: `${PRELUDE}${READER}export function draw(): number {
  const code = compile();
  comRelease(code.blob);
  return shaderPointer(code);
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a call filling two boxes: the first box's blob, used through a helper's vtable call, is owned too",
      code: `${PRELUDE}${COMPILER}  return blobSize(code);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "code", acquirer: "D3DCompile", reached: "the return at line 43", release: "comRelease(code)" },
          line: 37,
          column: 14,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "code" },
              output: `${PRELUDE}${COMPILER}  try {
    return blobSize(code);
  } finally {
    comRelease(code);
  }
}
`,
            },
          ],
        },
      ],
    },
    {
      name: "a returned literal's pointer (`code.blob`) not released: reported at the call",
      code: `${PRELUDE}export function size(): number {
  const code = compile();
  return code.size;
}
`,
      errors: [
        missing("code.blob", "compile", "the return at line 31", 30, 16, {
          finally: `export function size(): number {
  const code = compile();
  try {
    return code.size;
  } finally {
    comRelease(code.blob);
  }
}
`,
          atExit: `export function size(): number {
  const code = compile();
  comRelease(code.blob);
  return code.size;
}
`,
        }),
      ],
    },
    {
      name: "an optional field the caller used (`t.srv`) and did not release",
      code: `${PRELUDE}export function draw(): void {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  comRelease(t.tex);
}
`,
      errors: [
        missing("t.srv", "makeTexture", "the end of the function at line 33", 30, 13, {
          finally: `export function draw(): void {
  const t = makeTexture(true);
  try {
    vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
    comRelease(t.tex);
  } finally {
    comRelease(t.srv);
  }
}
`,
          atExit: `export function draw(): void {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  comRelease(t.tex);
  comRelease(t.srv);
}
`,
        }),
      ],
    },
    {
      name: "the field every return sets (`t.tex`) is owed without a use",
      code: `${PRELUDE}export function draw(): void {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  comRelease(t.srv!);
}
`,
      errors: [
        missing("t.tex", "makeTexture", "the end of the function at line 33", 30, 13, {
          finally: `export function draw(): void {
  const t = makeTexture(true);
  try {
    vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
    comRelease(t.srv!);
  } finally {
    comRelease(t.tex);
  }
}
`,
          atExit: `export function draw(): void {
  const t = makeTexture(true);
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [t.srv!]);
  comRelease(t.srv!);
  comRelease(t.tex);
}
`,
        }),
      ],
    },
    {
      name: "a destructured field not released, under its own name",
      code: `${PRELUDE}export function draw(): void {
  const { blob } = compile();
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [blob]);
}
`,
      errors: [missing("blob", "compile", "the end of the function at line 32", 30, 20)],
    },
    {
      name: "a module object's field that the teardown forgets",
      code: `${PRELUDE}const shared = makeTexture(true);
function frame(): void {
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [shared.srv!]);
}
function cleanup(code: number): never {
  comRelease(shared.srv!);
  process.exit(code);
}
frame();
cleanup(0);
`,
      errors: [missing("shared.tex", "makeTexture", "the program ends: no code in this file releases `shared.tex`, which holds it", 29, 16)],
    },
    {
      name: "a module object's optional field, used by a frame and never released",
      code: `${PRELUDE}const shared = makeTexture(true);
function frame(): void {
  vcall(device, CTX_PS_SET_SHADER_RESOURCES, [FFIType.ptr], [shared.srv!]);
}
function cleanup(code: number): never {
  comRelease(shared.tex);
  process.exit(code);
}
frame();
cleanup(0);
`,
      errors: [missing("shared.srv", "makeTexture", "the program ends: no code in this file releases `shared.srv`, which holds it", 29, 16)],
    },
    {
      name: "a device object torn down by hand, one field forgotten (`gpu.device`): reported at the helper's call",
      code: `${DEVICE}function cleanup(code: number): never {
  comRelease(gpu.backBufferRTV);
  comRelease(gpu.swapChain);
  comRelease(gpu.context);
  process.exit(code);
}
frame();
cleanup(0);
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "gpu.device", acquirer: "createDevice", reached: "the program ends: no code in this file releases `gpu.device`, which holds it", release: "comRelease(gpu.device)" },
          line: 65,
          column: 13,
        },
      ],
    },
  ],
};
