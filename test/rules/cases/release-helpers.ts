/**
 * A release function of the file (`release`, `comRelease` by the options' names) is what its body does (spec 2a
 * shape 8: a helper's role comes from its body): one whose body shows no Release releases nothing, whatever its name.
 */
import { BUN_VTABLE_CALL } from "./bun-dispatch";
import type { RuleCases } from "./types";

/** A session released with the file's `release(session)`, whose body is `body`. */
const SESSION = (body: string) => `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE_SESSION = 10;
const SLOT_ITEM_SIZE = 7;
${BUN_VTABLE_CALL}function release(object: number): void {
${body}}
export function itemSize(pool: number): number {
  const out = new BigUint64Array(1);
  if (vtableCall(pool, SLOT_CREATE_SESSION, [ptr(out)]) < 0) return -1;
  const session = read.ptr(out);
  const size = vtableCall(session, SLOT_ITEM_SIZE, []);
  release(session);
  return size;
}
`;

/** A body that only tests its parameter. */
const NO_RELEASE = "  if (!object) return;\n";

export const cases: RuleCases = {
  valid: [
    { name: "release(session), whose body calls the Release slot, releases it", code: SESSION("  if (object) vtableCall(object, SLOT_RELEASE, []);\n") },
    {
      name: "release(session), whose body hands its object to a method read at a byte offset (no Release named), releases it by its name",
      code: SESSION("  const vtable = read.ptr(object, 0);\n  (CFunction as any)({ ptr: read.ptr(vtable, 16), args: [FFIType.ptr], returns: FFIType.u32 })(object);\n"),
    },
  ],
  invalid: [
    {
      name: "release(session), whose body shows no Release (it only tests its parameter), releases nothing: judged by its body, not its name",
      code: SESSION(NO_RELEASE),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "session", acquirer: "SLOT_CREATE_SESSION", reached: "the return at line 18", release: "vtableCall(session, SLOT_RELEASE, [])" },
          line: 14,
          column: 7,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: SESSION(NO_RELEASE).replace(
                "  const size = vtableCall(session, SLOT_ITEM_SIZE, []);\n  release(session);\n  return size;\n",
                "  try {\n    const size = vtableCall(session, SLOT_ITEM_SIZE, []);\n    release(session);\n    return size;\n  } finally {\n    vtableCall(session, SLOT_RELEASE, []);\n  }\n",
              ),
            },
            { messageId: "insertReleaseAtExit", output: SESSION(NO_RELEASE).replace("  return size;\n", "  vtableCall(session, SLOT_RELEASE, []);\n  return size;\n") },
          ],
        },
      ],
    },
  ],
};

/** `comRelease(...objects)` going over its arguments: `body` uses the pointers it made. */
const REST_RELEASE = (body: string) => `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_RELEASE = 2;
const SLOT_CREATE = 10;
const SLOT_SIZE = 7;
${BUN_VTABLE_CALL}function create(pool: number): number {
  const out = new BigUint64Array(1);
  if (vtableCall(pool, SLOT_CREATE, [ptr(out)]) < 0) return 0;
  return read.ptr(out);
}
function comRelease(...objects: number[]): void {
  for (const o of objects) if (o) vtableCall(o, SLOT_RELEASE, []);
}
export function use(pool: number): number {
  const a = create(pool);
  const b = create(pool);
${body}}
`;

export const useAfterRelease: RuleCases = {
  valid: [{ name: "comRelease(...objects) releases each of its arguments, after their last use", code: REST_RELEASE("  const n = vtableCall(a, SLOT_SIZE, []) + vtableCall(b, SLOT_SIZE, []);\n  comRelease(a, b);\n  return n;\n") }],
  invalid: [
    {
      name: "comRelease(...objects) releases its second argument too: a use of it after the call is a use after Release",
      code: REST_RELEASE("  vtableCall(a, SLOT_SIZE, []);\n  comRelease(a, b);\n  return vtableCall(b, SLOT_SIZE, []);\n"),
      errors: [{ messageId: "useAfterRelease", line: 22, column: 10 }],
    },
  ],
};
