/**
 * Helpers that only use the pointer they are given, in the shapes of raw FFI code (spec 2a, shape 8):
 * their summaries must say so, or every caller would hand its pointer to them and a forgotten
 * release would go unseen. And the converse: a helper is a vtable dispatcher only when it indexes a
 * vtable (`slot * 8`), not whenever it multiplies its second parameter (`w * h`).
 */
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

export const cases: RuleCases = {
  valid: [
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
    {
      name: "a helper that tests its argument against null only uses it: the caller still owes the release",
      code: blendDraw(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "blend", acquirer: "vcall", reached: "the end of the function at line 28", release: "comRelease(blend)" }, line: 25, column: 7 }],
    },
    {
      name: "a helper passing its argument on to one that uses it (its other arguments kept): the caller still owes the release",
      code: readbackDraw(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "tex", acquirer: "vcall", reached: "the return at line 36", release: "comRelease(tex)" }, line: 33, column: 7 }],
    },
  ],
};
