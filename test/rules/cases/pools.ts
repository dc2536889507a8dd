/**
 * Collections of COM objects a file keeps itself (engine/pools.ts): an owned pointer stored into a Map, Set or
 * array of the file's own is the collection's; emptying the collection without going over its elements first
 * drops them. Written the way raw FFI code keeps staging pools and lists of live objects.
 */
import type { RuleCases } from "./types";

const PRELUDE = `import { FFIType } from "bun:ffi";
declare function vcall(self: bigint, slot: number, types: readonly unknown[], args: readonly unknown[], returns?: unknown): number;
declare function comRelease(p: bigint): void;
declare const device: bigint;
const DEV_CREATE_BUFFER = 3;
const CTX_FLUSH = 111;
const IUNKNOWN_RELEASE = 2;
const desc = Buffer.alloc(24);
export function flush(context: bigint): void {
  vcall(context, CTX_FLUSH, [], [], FFIType.void);
}
`;

/** A staging pool by size (a Map), filled by `stagingFor`; `reset` is the body of the function that empties it. */
const STAGING_POOL = (reset: string) => `${PRELUDE}const stagingPool = new Map<number, bigint>();
export function stagingFor(size: number): bigint {
  let staging = stagingPool.get(size);
  if (staging !== undefined) return staging;
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BUFFER, [FFIType.ptr, FFIType.ptr, FFIType.ptr], [desc.ptr!, null, box.ptr!]) !== 0) throw new Error("CreateBuffer failed");
  staging = box.readBigUInt64LE(0);
  stagingPool.set(size, staging);
  return staging;
}
export function releaseStaging(): void {
${reset}}
`;

/** A list of live objects (an array) filled by `create`; `teardown` is the body of the function that empties it. */
const LIVE_OBJECTS = (teardown: string) => `${PRELUDE}const liveObjects: bigint[] = [];
export function create(): bigint {
  const box = Buffer.alloc(8);
  if (vcall(device, DEV_CREATE_BUFFER, [FFIType.ptr, FFIType.ptr, FFIType.ptr], [desc.ptr!, null, box.ptr!]) !== 0) return 0n;
  const buffer = box.readBigUInt64LE(0);
  liveObjects.push(buffer);
  return buffer;
}
export function releaseAll(): void {
${teardown}}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a pool of COM objects emptied after a loop that releases each of them", code: STAGING_POOL("  for (const staging of stagingPool.values()) comRelease(staging);\n  stagingPool.clear();\n") },
    { name: "a list of live objects spliced out by the loop that releases them", code: LIVE_OBJECTS("  for (const obj of liveObjects.splice(0).reverse()) vcall(obj, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n") },
    { name: "a list of live objects released with forEach, then emptied", code: LIVE_OBJECTS("  liveObjects.forEach((obj) => vcall(obj, IUNKNOWN_RELEASE, [], [], FFIType.u32));\n  liveObjects.length = 0;\n") },
    {
      name: "a list of live objects handed on (copied for a later release), then emptied",
      code: LIVE_OBJECTS("  const old = liveObjects.slice();\n  liveObjects.length = 0;\n  setTimeout(() => old.forEach((obj) => comRelease(obj)), 0);\n"),
    },
    {
      name: "a list that only ever holds pointers the file does not own (a parameter) is no pool",
      code: `${PRELUDE}const seen: bigint[] = [];
export function visit(p: bigint): void {
  seen.push(p);
}
export function reset(): void {
  seen.length = 0;
}
`,
    },
  ],
  invalid: [
    {
      name: "a pool of COM objects cleared without releasing them: reported at the clear, with a loop releasing each",
      code: STAGING_POOL("  stagingPool.clear();\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "staging", acquirer: "DEV_CREATE_BUFFER", reached: "line 23, where `stagingPool`, which holds it, is emptied", release: "vcall(staging, IUNKNOWN_RELEASE, [], [])" },
          line: 23,
          column: 3,
          suggestions: [
            {
              messageId: "releaseEachBeforeEmptying",
              output: STAGING_POOL("  for (const staging of stagingPool.values()) vcall(staging, IUNKNOWN_RELEASE, [], []);\n  stagingPool.clear();\n"),
            },
          ],
        },
      ],
    },
    {
      name: "a list of live objects emptied after a loop that only counts them (the loop does not use its element)",
      code: LIVE_OBJECTS("  let count = 0;\n  for (const obj of liveObjects) count++;\n  liveObjects.length = 0;\n  console.log(count);\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "buffer", acquirer: "DEV_CREATE_BUFFER", reached: "line 23, where `liveObjects`, which holds it, is emptied", release: "vcall(buffer, IUNKNOWN_RELEASE, [], [])" },
          line: 23,
          column: 3,
          suggestions: [
            {
              messageId: "releaseEachBeforeEmptying",
              output: LIVE_OBJECTS("  let count = 0;\n  for (const obj of liveObjects) count++;\n  for (const buffer of liveObjects) vcall(buffer, IUNKNOWN_RELEASE, [], []);\n  liveObjects.length = 0;\n  console.log(count);\n"),
            },
          ],
        },
      ],
    },
    {
      name: "a list of live objects spliced out by a loop that does nothing with them",
      code: LIVE_OBJECTS("  for (const obj of liveObjects.splice(0)) console.log('dropping');\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "buffer", acquirer: "DEV_CREATE_BUFFER", reached: "line 21, where `liveObjects`, which holds it, is emptied", release: "vcall(buffer, IUNKNOWN_RELEASE, [], [])" },
          line: 21,
          column: 21,
          suggestions: [
            {
              messageId: "releaseEachBeforeEmptying",
              output: LIVE_OBJECTS("  for (const buffer of liveObjects) vcall(buffer, IUNKNOWN_RELEASE, [], []);\n  for (const obj of liveObjects.splice(0)) console.log('dropping');\n"),
            },
          ],
        },
      ],
    },
  ],
};
