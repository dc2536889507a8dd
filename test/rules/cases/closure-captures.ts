/**
 * A pointer captured by a closure the function makes (a method of the object it returns, a
 * callback) is handed on where the closure is made, not before: a failure return before that point
 * still owes it. A `const` captured only by closures made after its declaration is followed until
 * then; a `let`, or a pointer a function declaration captures (hoisted: callable before the
 * binding), escapes from its binding as before.
 */
import { BUN_VTABLE_CALL } from "./bun-dispatch";
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare const Xaudio2_9: { XAudio2Create(box: unknown, flags: number, processor: number): number };
const IUNKNOWN_RELEASE = 2;
const IXAUDIO2_CREATEMASTERINGVOICE = 7;
`;

const OUTPUT = (failure: string, binding = "const") => `${PRELUDE}export function createOutput(): { stop(): void } | null {
  const ppEngine = Buffer.alloc(8);
  if (Xaudio2_9.XAudio2Create(ppEngine.ptr!, 0, 0) !== 0) return null;
  ${binding} engine = ppEngine.readBigUInt64LE(0);
  const ppMaster = Buffer.alloc(8);
  if (vcall(engine, IXAUDIO2_CREATEMASTERINGVOICE, [FFIType.ptr], [ppMaster.ptr!]) !== 0) {
${failure}    return null;
  }
  return {
    stop() {
      vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32);
    },
  };
}
`;

/** `run()` shares its engine with nested functions that only use it (a vtable call, a helper that uses it). */
const SHARED = (closure: string, end: string) => `${PRELUDE}declare function running(): boolean;
export function run(): void {
  const ppEngine = Buffer.alloc(8);
  if (Xaudio2_9.XAudio2Create(ppEngine.ptr!, 0, 0) !== 0) return;
  const engine = ppEngine.readBigUInt64LE(0);
${closure}  while (running()) master();
${end}}
`;
const DECLARED = `  function master(): number {
    return vcall(engine, IXAUDIO2_CREATEMASTERINGVOICE, [], []);
  }
`;
const ARROW = `  const master = () => vcall(engine, IXAUDIO2_CREATEMASTERINGVOICE, [], []);
`;
const RELEASE = "  vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n";

/** A helper whose callback, run during the call (`items.map`), only uses its parameter: the caller still owes the Release. */
const CALLBACK_USE = (end: string) => `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE = 10;
const SLOT_SIZE = 7;
${BUN_VTABLE_CALL}function sizes(p: number, items: number[]): number[] {
  return items.map((x) => x + vtableCall(p, SLOT_SIZE, []));
}
export function total(pool: number): number {
  const out = new BigUint64Array(1);
  if (vtableCall(pool, SLOT_CREATE, [ptr(out)]) < 0) return 0;
  const a = read.ptr(out);
  const n = sizes(a, [1, 2]).length;
${end}  return n;
}
`;

/** A pointer handed to a factory of the file whose returned object's methods capture and release its parameter. */
const HANDLE_FACTORY = `import { CFunction, ptr, read } from "bun:ffi";
import type { Pointer } from "bun:ffi";
declare const IID_VOLUME: Uint8Array;
const SLOT_QUERY_INTERFACE = 0;
const SLOT_RELEASE = 2;
const SLOT_SET_MUTE = 5;
function slot(self: Pointer, index: number): (...a: unknown[]) => number {
  const vtable = read.ptr(self, 0);
  return CFunction({ args: ["ptr"], returns: "i32", ptr: read.ptr(vtable, index * 8) as Pointer }) as any;
}
function release(self: Pointer): void {
  slot(self, SLOT_RELEASE)(self);
}
function handle(volume: Pointer) {
  let held = true;
  return {
    mute(on: boolean): number {
      return slot(volume, SLOT_SET_MUTE)(volume, on ? 1 : 0, null);
    },
    release(): void {
      if (!held) return;
      held = false;
      release(volume);
    },
  };
}
export function open(control: Pointer) {
  const out = new BigUint64Array(1);
  if (slot(control, SLOT_QUERY_INTERFACE)(control, ptr(IID_VOLUME), ptr(out)) !== 0) return null;
  const volume = read.ptr(ptr(out), 0) as unknown as Pointer;
  return handle(volume);
}
`;

/**
 * A disposer closure made before the acquisition it releases (the box is empty then): `end` is what the failure
 * path does before its return; `handOn` what the success path does with the disposer.
 */
const DISPOSER = (failure: string, handOn: string, method = "IUNKNOWN_RELEASE, [], [], FFIType.u32") => `${PRELUDE}export function start(): { dispose(): void } | null {
  const ppEngine = Buffer.alloc(8);
  const dispose = () => {
    vcall(ppEngine.readBigUInt64LE(0), ${method});
  };
  if (Xaudio2_9.XAudio2Create(ppEngine.ptr!, 0, 0) !== 0) return null;
  if (vcall(ppEngine.readBigUInt64LE(0), IXAUDIO2_CREATEMASTERINGVOICE, [], []) !== 0) {
${failure}    return null;
  }
${handOn}}
`;
const ENGINE_RELEASE = "vcall(ppEngine.readBigUInt64LE(0), IUNKNOWN_RELEASE, [], [], FFIType.u32)";

export const cases: RuleCases = {
  valid: [
    { name: "a disposer closure made before the acquisition, called on the failure path and handed on by name: the caller holds it", code: DISPOSER("    dispose();\n", "  return { dispose };\n") },
    { name: "a disposer closure made before the acquisition, called on every path: released", code: DISPOSER("    dispose();\n", "  dispose();\n  return null;\n") },
    { name: "a pointer handed to a factory of the file whose returned object's methods capture its parameter: the object keeps it", code: HANDLE_FACTORY },
    { name: "a helper whose callback run during the call only uses its parameter leaves it the caller's, which releases it", code: CALLBACK_USE("  vtableCall(a, SLOT_RELEASE, []);\n") },
    { name: "a nested function that only uses the pointer leaves it the function's, which releases it", code: SHARED(DECLARED, RELEASE) },
    { name: "a closure made later that only uses the pointer leaves it the function's, which releases it", code: SHARED(ARROW, RELEASE) },
    { name: "released on the failure return, handed to the returned object's method after it", code: OUTPUT("    vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n") },
    { name: "a `let` captured by a closure escapes from its binding (it may be rebound): silent", code: OUTPUT("", "let") },
    {
      name: "captured by a function declaration, which may run before the return: escapes from its binding",
      code: `${PRELUDE}export function createOutput(): (() => void) | null {
  const ppEngine = Buffer.alloc(8);
  if (Xaudio2_9.XAudio2Create(ppEngine.ptr!, 0, 0) !== 0) return null;
  const engine = ppEngine.readBigUInt64LE(0);
  function stop(): void {
    vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  }
  if (vcall(engine, IXAUDIO2_CREATEMASTERINGVOICE, [], []) !== 0) return null;
  return stop;
}
`,
    },
    {
      name: "a callback made before the failure return takes the pointer there",
      code: `${PRELUDE}declare function onExit(callback: () => void): void;
export function start(): boolean {
  const ppEngine = Buffer.alloc(8);
  if (Xaudio2_9.XAudio2Create(ppEngine.ptr!, 0, 0) !== 0) return false;
  const engine = ppEngine.readBigUInt64LE(0);
  onExit(() => vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32));
  if (vcall(engine, IXAUDIO2_CREATEMASTERINGVOICE, [], []) !== 0) return false;
  return true;
}
`,
    },
  ],
  invalid: [
    {
      name: "a disposer closure called on the failure path only: the pointer leaks at the success return, which the repair releases at",
      code: DISPOSER("    dispose();\n", "  dispose();\n  return null;\n").replace("  dispose();\n  return null;\n}", "  return null;\n}"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "ppEngine.readBigUInt64LE(0)", acquirer: "XAudio2Create", reached: "the return at line 16", release: ENGINE_RELEASE },
          line: 11,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", output: DISPOSER("    dispose();\n", `  ${ENGINE_RELEASE};\n  return null;\n`) }],
        },
      ],
    },
    {
      name: "a disposer handed on by name that only uses the pointer takes nothing over: a leak at the return",
      code: DISPOSER("", "  return { dispose };\n", "IXAUDIO2_CREATEMASTERINGVOICE, [], []"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "ppEngine.readBigUInt64LE(0)", acquirer: "XAudio2Create", reached: "the return at line 13", release: "vcall(ppEngine.readBigUInt64LE(0), IUNKNOWN_RELEASE, [], [])" },
          line: 11,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", output: DISPOSER("    vcall(ppEngine.readBigUInt64LE(0), IUNKNOWN_RELEASE, [], []);\n", "  return { dispose };\n", "IXAUDIO2_CREATEMASTERINGVOICE, [], []") }],
        },
      ],
    },
    leakCase(
      "a helper whose callback run during the call (items.map) only uses its parameter does not keep it: the caller still owes the Release",
      CALLBACK_USE,
      { pointer: "a", acquirer: "SLOT_CREATE", reached: "the return at line 17" },
      [14, 7],
      "vtableCall(a, SLOT_RELEASE, [])",
      "  const n = sizes(a, [1, 2]).length;\n  return n;\n",
    ),
    {
      name: "a nested function that only uses the pointer does not take it: the function still owes the release",
      code: SHARED(DECLARED, ""),
      errors: [
        {
          messageId: "missingRelease",
          // A file that releases nothing yet: the release is written through its own dispatcher and slot constant.
          data: { pointer: "engine", acquirer: "XAudio2Create", reached: "the end of the function at line 15", release: "vcall(engine, IUNKNOWN_RELEASE, [], [])" },
          line: 9,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", output: SHARED(DECLARED, "  vcall(engine, IUNKNOWN_RELEASE, [], []);\n") }],
        },
      ],
    },
    {
      name: "a closure made later that only uses the pointer does not take it: the function still owes the release",
      code: SHARED(ARROW, ""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "engine", acquirer: "XAudio2Create", reached: "the end of the function at line 13", release: "vcall(engine, IUNKNOWN_RELEASE, [], [])" },
          line: 9,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `${PRELUDE}declare function running(): boolean;
export function run(): void {
  const ppEngine = Buffer.alloc(8);
  if (Xaudio2_9.XAudio2Create(ppEngine.ptr!, 0, 0) !== 0) return;
  const engine = ppEngine.readBigUInt64LE(0);
  try {
    const master = () => vcall(engine, IXAUDIO2_CREATEMASTERINGVOICE, [], []);
    while (running()) master();
  } finally {
    vcall(engine, IUNKNOWN_RELEASE, [], []);
  }
}
`,
            },
            { messageId: "insertReleaseAtExit", output: SHARED(ARROW, "  vcall(engine, IUNKNOWN_RELEASE, [], []);\n") },
          ],
        },
      ],
    },
    {
      name: "a failure return before the closure that captures the pointer is made: a leak",
      code: OUTPUT(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "engine", acquirer: "XAudio2Create", reached: "the return at line 12", release: "vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32)" },
          line: 8,
          column: 7,
          suggestions: [{ messageId: "insertReleaseAtExit", output: OUTPUT("    vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n") }],
        },
      ],
    },
  ],
};
