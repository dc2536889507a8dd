/**
 * Spec 2a, shape 7: a pointer written into an out box is owned from the box's read on, on the
 * paths where the call succeeded. A call that may succeed without an object (`ReadSample` at the
 * end of the stream writes null) owes nothing on a path that never reads the box; a creating call
 * (`CoCreateInstance`, a Create/Activate slot, one given an IID) writes an object whenever it succeeds.
 */
import type { RuleCases } from "./types";

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare const reader: bigint;
const READER_READ_SAMPLE = 9;
const DEV_CREATE_BUFFER = 3;
const IUNKNOWN_RELEASE = 2;
const flags = Buffer.alloc(4);
`;

export const cases: RuleCases = {
  valid: [
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
  ],
  invalid: [
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
      name: "a creating slot's object is owned from the call's success, read or not",
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
          data: { pointer: "buffer", acquirer: "DEV_CREATE_BUFFER", reached: "the return at line 11", release: "vcall(buffer, IUNKNOWN_RELEASE, [], [], FFIType.u32)" },
          line: 10,
          column: 7,
        },
      ],
    },
  ],
};
