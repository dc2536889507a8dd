/**
 * A release helper given the box itself (`releaseComPtr(box)`, a public koffi D3D11 module's way): it reads what the
 * box holds and releases that, so the call releases the box's pointer and fills nothing. With it: a dispatcher that
 * scales its slot as a BigInt (`BigInt(index) * 8n`), a box declared `let box = null` and allocated later, a helper
 * whose guard tests the vtable it read through the pointer (`if (!vtable) return`), and an object returned beside the
 * boxes its pointers were read from (its caller may release either way: not followed).
 */
import type { RuleCases } from "./types";

/** The module's helpers: a koffi dispatcher by slot number, and a release helper given the box. */
const HELPERS = `import koffi from "koffi";
const IID_ITexture = Buffer.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
function entryAt(table: unknown, offset: bigint): unknown {
  const cell = Buffer.alloc(8);
  cell.writeBigUInt64LE(koffi.address(table) + offset);
  return koffi.decode(cell, "void *");
}
export function invoke(object: unknown, index: number, result: string, types: string[], args: unknown[]): unknown {
  const table = koffi.decode(object, "void *");
  const fn = koffi.decode(entryAt(table, BigInt(index) * 8n), "void *");
  return koffi.call(fn, koffi.proto(\`\${result} __stdcall m(\${types.join(", ")})\`), ...args);
}
/** IUnknown::Release is slot 2. */
export function releaseHeld(box: Buffer): void {
  try {
    const object = koffi.decode(box, "void *");
    if (!object) return;
    const table = koffi.decode(object, "void *");
    if (!table) return;
    invoke(object, 2, "uint32", ["void *"], [object]);
  } catch {
    // best effort
  }
}
`;

const open = (body: string) => `${HELPERS}export function openTexture(device: unknown): number {
${body}}
`;

/** Acquires a texture into `box` through the dispatcher (`QueryInterface`-like: an IID and a box) and uses it. */
const ACQUIRE = `  const hr = invoke(device, 28, "int32", ["void *", "void *", "void **"], [device, IID_ITexture, box]) as number;
  if (hr < 0) return -1;
  const texture = koffi.decode(box, "void *");
  invoke(texture, 7, "void", ["void *"], [texture]);
`;

const CONST_BOX = open(`  const box = Buffer.alloc(8);
${ACQUIRE}  releaseHeld(box);
  return 0;
`);

const LATER_BOX = (cleanup: string) =>
  open(`  let box: Buffer | null = null;
  try {
    box = Buffer.alloc(8);
${ACQUIRE.replace(/^/gm, "  ").trimEnd()}
    return 0;
  } finally {
${cleanup}  }
`);

/** A `finally` that releases nothing. */
const DONE = '    console.log("done");\n';

const NO_RELEASE = open(`  const box = Buffer.alloc(8);
${ACQUIRE}  return 0;
`);

const PAIR = `${HELPERS}export function makePair(device: unknown) {
  const ppFirst = Buffer.alloc(8);
  const ppSecond = Buffer.alloc(8);
  const hr = invoke(device, 3, "int32", ["void *", "void *", "void **", "void **"], [device, IID_ITexture, ppFirst, ppSecond]) as number;
  if (hr < 0) return null;
  const first = koffi.decode(ppFirst, "void *");
  const second = koffi.decode(ppSecond, "void *");
  return { first, second, ppFirst, ppSecond };
}
export function usePair(device: unknown): void {
  const pair = makePair(device);
  if (!pair) return;
  invoke(pair.first, 9, "void", ["void *", "void *"], [pair.first, pair.second]);
  releaseHeld(pair.ppSecond);
  releaseHeld(pair.ppFirst);
}
`;

/** A helper that fills the box it is given through an argument list kept in a variable, then reads it: an acquirer. */
const FILLED_BY_HELPER = `${HELPERS}function createInto(device: unknown, box: Buffer): number {
  const args = [device, IID_ITexture, box];
  const hr = invoke(device, 28, "int32", ["void *", "void *", "void **"], args) as number;
  if (hr < 0) return hr;
  const made = koffi.decode(box, "void *");
  invoke(made, 7, "void", ["void *"], [made]);
  return hr;
}
export function openTexture(device: unknown): number {
  const box = Buffer.alloc(8);
  if (createInto(device, box) < 0) return -1;
  const texture = koffi.decode(box, "void *");
  invoke(texture, 8, "void", ["void *"], [texture]);
  return 0;
}
`;

/** A SafeRelease by its name: releases what the box holds, then empties the box, so a second call releases nothing. */
const SAFE_RELEASE = (empty: string) => `${HELPERS}export function safeRelease(box: Buffer): void {
  const object = koffi.decode(box, "void *");
  if (!object) return;
  invoke(object, 2, "uint32", ["void *"], [object]);
${empty}}
export function openTexture(device: unknown): number {
  const box = Buffer.alloc(8);
  try {
${ACQUIRE.replace(/^/gm, "  ").trimEnd()}
    safeRelease(box);
    return 0;
  } finally {
    safeRelease(box);
  }
}
`;

/** The pair's second pointer released through its box, the first through neither. */
const ONE_PAIR_RELEASE = PAIR.replace("  releaseHeld(pair.ppSecond);\n  releaseHeld(pair.ppFirst);\n", "  releaseHeld(pair.ppSecond);\n");

export const cases: RuleCases = {
  valid: [
    { name: "releaseHeld(box), whose body releases what the box it is given holds, releases the texture (and fills nothing)", code: CONST_BOX },
    { name: "a box declared `let box = null`, allocated later and released by the helper in `finally` behind `if (box)`", code: LATER_BOX("    if (box) releaseHeld(box);\n") },
    { name: "pointers returned beside the boxes they were read from, released by the caller through the boxes", code: PAIR },
    { name: "safeRelease(box), a release function by its name given the box, releases what it holds; emptying it (`box.fill(0)`) makes the second call in `finally` release nothing", code: SAFE_RELEASE("  box.fill(0);\n") },
    { name: "the same SafeRelease emptying the box with `box.writeBigUInt64LE(0n)`", code: SAFE_RELEASE("  box.writeBigUInt64LE(0n);\n") },
  ],
  invalid: [
    {
      name: "a helper that reads the box it is given but also hands it to a call through an argument list fills it: its caller owns what it holds",
      code: FILLED_BY_HELPER,
      errors: [
        {
          messageId: "missingRelease",
          line: 35,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: FILLED_BY_HELPER.replace(
                '  invoke(texture, 8, "void", ["void *"], [texture]);\n  return 0;\n',
                '  try {\n    invoke(texture, 8, "void", ["void *"], [texture]);\n    return 0;\n  } finally {\n    invoke(texture, 2, "uint32", ["void *"], [texture]);\n  }\n',
              ),
            },
            { messageId: "insertReleaseAtExit", output: FILLED_BY_HELPER.replace('[texture]);\n  return 0;\n', '[texture]);\n  invoke(texture, 2, "uint32", ["void *"], [texture]);\n  return 0;\n') },
          ],
        },
      ],
    },
    {
      name: "pointers returned beside their boxes and never released either way leak at the caller",
      code: ONE_PAIR_RELEASE,
      errors: [
        {
          messageId: "missingRelease",
          line: 35,
          column: 16,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: ONE_PAIR_RELEASE.replace(
                '  invoke(pair.first, 9, "void", ["void *", "void *"], [pair.first, pair.second]);\n  releaseHeld(pair.ppSecond);\n',
                '  try {\n    invoke(pair.first, 9, "void", ["void *", "void *"], [pair.first, pair.second]);\n    releaseHeld(pair.ppSecond);\n  } finally {\n    invoke(pair.first, 2, "uint32", ["void *"], [pair.first]);\n  }\n',
              ),
            },
            { messageId: "insertReleaseAtExit", output: ONE_PAIR_RELEASE.replace("  releaseHeld(pair.ppSecond);\n", '  releaseHeld(pair.ppSecond);\n  invoke(pair.first, 2, "uint32", ["void *"], [pair.first]);\n') },
          ],
        },
      ],
    },
    {
      name: "a texture acquired through a dispatcher scaling its slot as a BigInt (`BigInt(index) * 8n`) and never released",
      code: NO_RELEASE,
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "texture", acquirer: "invoke", reached: "the return at line 31", release: 'invoke(texture, 2, "uint32", ["void *"], [texture])' },
          line: 27,
          column: 14,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: NO_RELEASE.replace(
                '  invoke(texture, 7, "void", ["void *"], [texture]);\n  return 0;\n',
                '  try {\n    invoke(texture, 7, "void", ["void *"], [texture]);\n    return 0;\n  } finally {\n    invoke(texture, 2, "uint32", ["void *"], [texture]);\n  }\n',
              ),
            },
            { messageId: "insertReleaseAtExit", output: NO_RELEASE.replace("  return 0;\n", '  invoke(texture, 2, "uint32", ["void *"], [texture]);\n  return 0;\n') },
          ],
        },
      ],
    },
    {
      name: "a box declared `let box = null` and allocated later holds what the dispatcher acquired: a `finally` that releases nothing leaks it",
      code: LATER_BOX(DONE),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "texture", acquirer: "invoke", reached: "the return at line 33", release: 'invoke(texture, 2, "uint32", ["void *"], [texture])' },
          line: 29,
          column: 16,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: LATER_BOX(DONE).replace(
                '    invoke(texture, 7, "void", ["void *"], [texture]);\n    return 0;\n',
                '    try {\n      invoke(texture, 7, "void", ["void *"], [texture]);\n      return 0;\n    } finally {\n      invoke(texture, 2, "uint32", ["void *"], [texture]);\n    }\n',
              ),
            },
            { messageId: "insertReleaseAtExit", output: LATER_BOX(DONE).replace("    return 0;\n", '    invoke(texture, 2, "uint32", ["void *"], [texture]);\n    return 0;\n') },
          ],
        },
      ],
    },
  ],
};
