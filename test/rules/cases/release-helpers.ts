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
  valid: [{ name: "release(session), whose body calls the Release slot, releases it", code: SESSION("  if (object) vtableCall(object, SLOT_RELEASE, []);\n") }],
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
