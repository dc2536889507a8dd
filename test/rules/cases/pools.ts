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

/** The same, the pointer pushed as it is read from its box (no variable names it). */
const PUSHED_AS_READ = (teardown: string) =>
  LIVE_OBJECTS(teardown).replace("  const buffer = box.readBigUInt64LE(0);\n  liveObjects.push(buffer);\n  return buffer;\n", "  liveObjects.push(box.readBigUInt64LE(0));\n  return 0n;\n");

/** Spec 2a shape 9: a FinalizationRegistry that releases what it holds; `handOff` follows the pointer's use (line 11). */
const FINALIZED = (handOff: string) => `declare function vcall(p: bigint, slot: number, types: unknown[], args: unknown[]): number;
declare const IUNKNOWN_RELEASE: number, IUNKNOWN_QUERYINTERFACE: number, ISTOCKQUOTE_GETPRICE: number, IID_IStockQuote: Uint8Array;
const registry = new FinalizationRegistry<bigint>((p) => vcall(p, IUNKNOWN_RELEASE, [], []));
function track(owner: object, p: bigint): void {
  registry.register(owner, p);
}
export function quoteOf(obj: bigint, owner: object): void {
  const out = new BigUint64Array(1);
  if (vcall(obj, IUNKNOWN_QUERYINTERFACE, [], [IID_IStockQuote, out]) < 0) return;
  const quote = out[0];
  vcall(quote, ISTOCKQUOTE_GETPRICE, [], []);
${handOff}}
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
    { name: "a list of live objects released by index, then emptied", code: LIVE_OBJECTS("  for (let i = 0; i < liveObjects.length; i++) vcall(liveObjects[i], IUNKNOWN_RELEASE, [], [], FFIType.u32);\n  liveObjects.length = 0;\n") },
    { name: "a list of live objects released as they are popped", code: LIVE_OBJECTS("  while (liveObjects.length > 0) vcall(liveObjects.pop()!, IUNKNOWN_RELEASE, [], [], FFIType.u32);\n") },
    {
      name: "a pool released by a function of the file called before it is emptied",
      code: STAGING_POOL("  releaseEach();\n  stagingPool.clear();\n") + "function releaseEach(): void {\n  for (const staging of stagingPool.values()) comRelease(staging);\n}\n",
    },
    { name: "a list of live objects copied by a constructor (handed on), then emptied", code: LIVE_OBJECTS("  const old = new Set(liveObjects);\n  liveObjects.length = 0;\n  setTimeout(() => old.forEach((obj) => comRelease(obj)), 0);\n") },
    { name: "a pool emptied just before the process ends: the system takes its objects back", code: STAGING_POOL("  stagingPool.clear();\n  process.exit(0);\n") },
    { name: "a list of live objects emptied in full by splice(0, length) inside the loop that releases them", code: LIVE_OBJECTS("  for (const obj of liveObjects.splice(0, liveObjects.length)) comRelease(obj);\n") },
    { name: "a list filtered into itself keeps what it holds (list = list.filter(...))", code: LIVE_OBJECTS("  liveObjects = liveObjects.filter((obj) => obj !== 0n);\n").replace("const liveObjects: bigint[] = [];", "let liveObjects: bigint[] = [];") },
    { name: "a list spread into a new one keeps what it holds (list = [...list, p])", code: LIVE_OBJECTS("  liveObjects = [...liveObjects, 0n];\n").replace("const liveObjects: bigint[] = [];", "let liveObjects: bigint[] = [];") },
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
    {
      name: "a helper that files the pointer in a FinalizationRegistry that releases it (spec 2a shape 9) hands it to the registry",
      code: FINALIZED("  track(owner, quote);\n"),
    },
  ],
  invalid: [
    {
      name: "a pool of COM objects cleared without releasing them: reported at the clear, with a loop releasing each",
      code: STAGING_POOL("  stagingPool.clear();\n"),
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
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
          messageId: "missingReleaseBeforeLoss",
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
      name: "a list of live objects emptied by splice(0, length) without releasing them",
      code: LIVE_OBJECTS("  liveObjects.splice(0, liveObjects.length);\n"),
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          data: { pointer: "buffer", acquirer: "DEV_CREATE_BUFFER", reached: "line 21, where `liveObjects`, which holds it, is emptied", release: "vcall(buffer, IUNKNOWN_RELEASE, [], [])" },
          line: 21,
          column: 3,
          suggestions: [
            {
              messageId: "releaseEachBeforeEmptying",
              output: LIVE_OBJECTS("  for (const buffer of liveObjects) vcall(buffer, IUNKNOWN_RELEASE, [], []);\n  liveObjects.splice(0, liveObjects.length);\n"),
            },
          ],
        },
      ],
    },
    {
      name: "a pointer pushed as it is read names itself by the read",
      code: PUSHED_AS_READ("  liveObjects.length = 0;\n"),
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          data: { pointer: "box.readBigUInt64LE(0)", acquirer: "DEV_CREATE_BUFFER", reached: "line 20, where `liveObjects`, which holds it, is emptied", release: "vcall(object, IUNKNOWN_RELEASE, [], [])" },
          line: 20,
          column: 3,
          suggestions: [
            {
              messageId: "releaseEachBeforeEmptying",
              output: PUSHED_AS_READ("  for (const object of liveObjects) vcall(object, IUNKNOWN_RELEASE, [], []);\n  liveObjects.length = 0;\n"),
            },
          ],
        },
      ],
    },
    {
      name: "a loop declaring its element twice (`var`) neither hangs nor counts as a release",
      code: LIVE_OBJECTS("  for (var obj of liveObjects) {\n    for (var obj of obj) {\n    }\n  }\n  liveObjects.length = 0;\n"),
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
          data: { pointer: "buffer", acquirer: "DEV_CREATE_BUFFER", reached: "line 25, where `liveObjects`, which holds it, is emptied", release: "vcall(buffer, IUNKNOWN_RELEASE, [], [])" },
          line: 25,
          column: 3,
          suggestions: [
            {
              messageId: "releaseEachBeforeEmptying",
              output: LIVE_OBJECTS("  for (var obj of liveObjects) {\n    for (var obj of obj) {\n    }\n  }\n  for (const buffer of liveObjects) vcall(buffer, IUNKNOWN_RELEASE, [], []);\n  liveObjects.length = 0;\n"),
            },
          ],
        },
      ],
    },
    {
      name: "a list emptied by an arrow's expression body: reported, with no statement to put the release loop before",
      code: LIVE_OBJECTS("").replace("export function releaseAll(): void {\n}\n", "export const releaseAll = (): number => (liveObjects.length = 0);\n"),
      errors: [{ messageId: "missingReleaseBeforeLoss", line: 20, column: 42, suggestions: [] }],
    },
    {
      name: "a list of live objects spliced out by a loop that does nothing with them",
      code: LIVE_OBJECTS("  for (const obj of liveObjects.splice(0)) console.log('dropping');\n"),
      errors: [
        {
          messageId: "missingReleaseBeforeLoss",
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
    {
      name: "the same pointer never handed to the FinalizationRegistry is still owed its Release",
      code: FINALIZED(""),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "quote", acquirer: "IUNKNOWN_QUERYINTERFACE", reached: "the end of the function at line 12", release: "vcall(quote, IUNKNOWN_RELEASE, [], [])" },
          line: 9,
          column: 7,
          suggestions: [
            { messageId: "insertReleaseFinally", output: FINALIZED("").replace("  vcall(quote, ISTOCKQUOTE_GETPRICE, [], []);\n", "  try {\n    vcall(quote, ISTOCKQUOTE_GETPRICE, [], []);\n  } finally {\n    vcall(quote, IUNKNOWN_RELEASE, [], []);\n  }\n") },
            { messageId: "insertReleaseAtExit", output: FINALIZED("  vcall(quote, IUNKNOWN_RELEASE, [], []);\n") },
          ],
        },
      ],
    },
  ],
};
