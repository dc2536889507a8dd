/**
 * Pointers kept in module variables (script-style FFI code: acquire at the top level or in an
 * `init()`, release in a teardown that a signal handler or the end of the script runs), and
 * pointers handed to vtable methods, which stay the caller's (COM's rule for in-parameters).
 */
import type { RuleCases } from "./types";

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare function comRelease(p: bigint): void;
declare const device: bigint;
declare const context: bigint;
const DEV_CREATE_BLEND_STATE = 20;
const CTX_OM_SET_BLEND_STATE = 35;
`;

const never = (variable: string) => `the program ends: no code in this file releases \`${variable}\`, which holds it`;

/** An audio engine kept in a module variable by a start function, which gives up when a voice cannot be made. */
const START_AUDIO = (giveUp: string) => `${PRELUDE}const ENGINE_CREATE_VOICE = 8;
const IUNKNOWN_RELEASE = 2;
declare const live: bigint[];
let engine = 0n;
export function startAudio(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr], [box.ptr!]) !== 0) return;
  engine = box.readBigUInt64LE(0);
  if (vcall(engine, ENGINE_CREATE_VOICE, [], []) !== 0) {
${giveUp}    engine = 0n;
    return;
  }
}
export function stopAudio(): void {
  if (engine !== 0n) vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32);
  engine = 0n;
}
`;

/** A one-shot script that makes one object, then ends the process in two failure branches and at its end. */
const EXITS = (first: string, second: string, end: string) => `${PRELUDE}const BLEND_GET_DESC = 7;
const BLEND_GET_FACTOR = 8;
const box = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) process.exit(1);
const blend = box.readBigUInt64LE(0);
vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
if (vcall(blend, BLEND_GET_DESC, [], []) !== 0) {
${first}  process.exit(1);
}
if (vcall(blend, BLEND_GET_FACTOR, [], []) !== 0) {
${second}  process.exit(1);
}
${end}process.exit(0);
`;

/** A census script: a top-level loop makes one object per device, skips a device it cannot open, and the script exits. */
const CENSUS = (loopEnd: string) => `${PRELUDE}declare const devices: { id: number }[];
const box = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) process.exit(1);
const factory = box.readBigUInt64LE(0);
for (const entry of devices) {
  const ppDevice = Buffer.alloc(8);
  if (vcall(factory, DEV_CREATE_BLEND_STATE, [FFIType.u32, FFIType.ptr], [entry.id, ppDevice.ptr!]) !== 0) continue;
  const blend = ppDevice.readBigUInt64LE(0);
  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
${loopEnd}}
comRelease(factory);
process.exit(0);
`;

export const cases: RuleCases = {
  valid: [
    { name: "a module variable assigned again after the pointer stored in it is released", code: START_AUDIO("    vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n") },
    { name: "a module variable assigned again after the pointer stored in it is handed on (pushed into a list)", code: START_AUDIO("    live.push(engine);\n") },
    { name: "a one-shot script that releases its object by hand before every end of the process", code: EXITS("  comRelease(blend);\n", "  comRelease(blend);\n", "comRelease(blend);\n") },
    {
      name: "a one-shot script that releases its object only where it finishes, not where it fails: the system takes it back at the failure exits",
      code: EXITS("", "", "comRelease(blend);\n"),
    },
    { name: "a top-level loop that releases each pointer it makes, skipping failures with `continue`, before the script exits", code: CENSUS("  comRelease(blend);\n") },
    {
      name: "a module pointer that a never-returning teardown releases, run at the end and from a signal handler",
      code: `${PRELUDE}const box = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) throw new Error("CreateBlendState failed");
const blend = box.readBigUInt64LE(0);
function cleanup(code: number): never {
  comRelease(blend);
  process.exit(code);
}
process.on("SIGINT", () => cleanup(0));
for (let frame = 0; frame < 100; frame++) vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
cleanup(0);
`,
    },
    {
      name: "a module pointer stored by init() and released by a teardown function",
      code: `${PRELUDE}let blend = 0n;
function init(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) throw new Error("failed");
  blend = box.readBigUInt64LE(0);
}
function shutdown(): void {
  if (blend !== 0n) comRelease(blend);
}
init();
shutdown();
`,
    },
    {
      name: "a module pointer handed on (pushed into a list that a teardown releases) is the list's",
      code: `${PRELUDE}const live: bigint[] = [];
const box = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) process.exit(1);
const blend = box.readBigUInt64LE(0);
live.push(blend);
function cleanup(): void {
  for (const p of live) comRelease(p);
}
process.on("exit", cleanup);
`,
    },
    {
      name: "a script that releases no module state keeps its objects for the process's life (a poller stopped by Ctrl+C)",
      code: `${PRELUDE}const box = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) process.exit(1);
const blend = box.readBigUInt64LE(0);
setInterval(() => {
  const local = Buffer.alloc(8);
  if (vcall(blend, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, local.ptr!]) !== 0) return;
  const state = local.readBigUInt64LE(0);
  comRelease(state);
}, 700);
`,
    },
    {
      name: "an exported module pointer is its importers' to release",
      code: `${PRELUDE}const box = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) process.exit(1);
export const blend = box.readBigUInt64LE(0);
export function draw(): void {
  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
}
`,
    },
    {
      name: "a pointer passed in a vtable call's argument list is still released by its owner",
      code: `${PRELUDE}function draw(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) return;
  const blend = box.readBigUInt64LE(0);
  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
  comRelease(blend);
}
`,
    },
  ],
  invalid: [
    {
      name: "a module variable assigned again (`engine = 0n`) before the pointer this path stored in it is released: the pointer is lost",
      code: START_AUDIO(""),
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          data: { pointer: "engine", acquirer: "DEV_CREATE_BLEND_STATE", reached: "line 17, where `engine`, which holds it, is assigned again", release: "vcall(engine, IUNKNOWN_RELEASE, [], [], FFIType.u32)" },
          line: 14,
          column: 7,
          // (None: the read that binds the pointer assigns `engine` between the acquisition and this assignment.)
          suggestions: [],
        },
      ],
    },
    {
      name: "a one-shot script that releases its object by hand before every end of the process but one: reported at that one",
      code: EXITS("  comRelease(blend);\n", "", "comRelease(blend);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "blend", acquirer: "DEV_CREATE_BLEND_STATE", reached: "the call to `process.exit` at line 19", release: "comRelease(blend)" },
          line: 11,
          column: 5,
          suggestions: [{ messageId: "insertReleaseAtExit", output: EXITS("  comRelease(blend);\n", "  comRelease(blend);\n", "comRelease(blend);\n") }],
        },
      ],
    },
    {
      name: "a top-level loop's pointer never released, the loop skipping failures with `continue`: lost at the end of each pass, reported where the script exits",
      code: CENSUS(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "blend", acquirer: "DEV_CREATE_BLEND_STATE", reached: "the call to `process.exit` at line 19", release: "comRelease(blend)" },
          line: 14,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: CENSUS("").replace(
                "  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);\n",
                "  try {\n    vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);\n  } finally {\n    comRelease(blend);\n  }\n",
              ),
            },
          ],
        },
      ],
    },
    {
      name: "a module pointer that the teardown forgets: reported at the acquisition",
      code: `${PRELUDE}const box = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) throw new Error("CreateBlendState failed");
const blend = box.readBigUInt64LE(0);
const other = Buffer.alloc(8);
if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, other.ptr!]) !== 0) process.exit(1);
const blend2 = other.readBigUInt64LE(0);
function cleanup(code: number): never {
  comRelease(blend2);
  process.exit(code);
}
process.on("SIGINT", () => cleanup(0));
for (let frame = 0; frame < 100; frame++) vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
cleanup(0);
`,
      errors: [{ messageId: "missingRelease", data: { pointer: "blend", acquirer: "DEV_CREATE_BLEND_STATE", reached: never("blend"), release: "comRelease(blend)" }, line: 9, column: 5 }],
    },
    {
      name: "a pointer stored by init() into a module variable that nothing releases",
      code: `${PRELUDE}let blend = 0n;
function init(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) throw new Error("failed");
  blend = box.readBigUInt64LE(0);
}
function draw(): void {
  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
}
let sampler = 0n;
function shutdown(): void {
  comRelease(sampler);
}
init();
draw();
shutdown();
`,
      errors: [{ messageId: "missingRelease", data: { pointer: "blend", acquirer: "DEV_CREATE_BLEND_STATE", reached: never("blend"), release: "comRelease(blend)" }, line: 11, column: 7 }],
    },
    {
      name: "a pointer passed in a vtable call's argument list and never released leaks at the function's end",
      code: `${PRELUDE}function draw(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) return;
  const blend = box.readBigUInt64LE(0);
  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
}
function drop(p: bigint): void {
  comRelease(p);
}
`,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "blend", acquirer: "DEV_CREATE_BLEND_STATE", reached: "the end of the function at line 13", release: "comRelease(blend)" },
          line: 10,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: `${PRELUDE}function draw(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) return;
  const blend = box.readBigUInt64LE(0);
  try {
    vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
  } finally {
    comRelease(blend);
  }
}
function drop(p: bigint): void {
  comRelease(p);
}
`,
            },
            {
              messageId: "insertReleaseAtExit",
              output: `${PRELUDE}function draw(): void {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BLEND_STATE, [FFIType.ptr, FFIType.ptr], [null, box.ptr!]) !== 0) return;
  const blend = box.readBigUInt64LE(0);
  vcall(context, CTX_OM_SET_BLEND_STATE, [FFIType.u64], [blend]);
  comRelease(blend);
}
function drop(p: bigint): void {
  comRelease(p);
}
`,
            },
          ],
        },
      ],
    },
  ],
};
