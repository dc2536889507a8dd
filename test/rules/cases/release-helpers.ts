/**
 * A release function of the file (`release`, `comRelease` by the options' names) is what its body does (spec 2a
 * shape 8: a helper's role comes from its body): one whose body shows no Release releases nothing, whatever its name.
 */
import { BUN_VTABLE_CALL } from "./bun-dispatch";
import { leakCase } from "./leaks";
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

/**
 * A koffi shell-menu runtime's `release(scope, self)`: no Release of its first parameter, it files the Release of its
 * second in a cleanup scope (closed later by the caller's caller) and returns it. Its name says release; its body says
 * registry. `end` ends `viewOf`, which holds `view`.
 */
const SCOPE_REGISTRAR = (end: string) => `import koffi from "koffi";
const vt = (p: bigint, i: number) => koffi.decode(koffi.decode(p, 0, "void *"), i * 8, "void *");
const com = {
  call: (p: bigint, i: number, proto: unknown, ...a: unknown[]) => koffi.call(vt(p, i), proto, p, ...a) as number,
  release: (p: bigint) => { koffi.call(vt(p, 2), "uint32 __stdcall R(void *)", p); },
};
class Scope {
  private readonly cleanups: (() => void)[] = [];
  add(cleanup: () => void): void { this.cleanups.push(cleanup); }
  close(): void { for (const c of this.cleanups.splice(0).reverse()) c(); }
}
const release = (scope: Scope, self: bigint): bigint => {
  scope.add(() => com.release(self));
  return self;
};
export function viewOf(scope: Scope, folder: bigint, iid: Buffer): bigint {
  const out: [bigint | null] = [null];
  if (com.call(folder, 8, null, null, iid, out) < 0 || !out[0]) throw new Error("CreateViewObject");
  const view = out[0];
${end}}
`;

export const cases: RuleCases = {
  valid: [
    { name: "release(session), whose body calls the Release slot, releases it", code: SESSION("  if (object) vtableCall(object, SLOT_RELEASE, []);\n") },
    {
      name: "release(session), whose body hands its object to a method read at a byte offset (no Release named), releases it by its name",
      code: SESSION("  const vtable = read.ptr(object, 0);\n  (CFunction as any)({ ptr: read.ptr(vtable, 16), args: [FFIType.ptr], returns: FFIType.u32 })(object);\n"),
    },
    {
      name: "release(scope, p) that files p's Release in a cleanup scope (scope.add(() => com.release(p))) and returns it: p is handed to the scope, the scope is not released (no report)",
      code: SCOPE_REGISTRAR("  return release(scope, view);\n"),
    },
    {
      name: "a registrar written defer(scope, () => com.release(p)): judged by its body too (no report)",
      code: SCOPE_REGISTRAR("  return release(scope, view);\n").replace("  scope.add(() => com.release(self));", "  defer(scope, () => com.release(self));").replace("const release = ", "const defer = (scope: Scope, cleanup: () => void) => scope.add(cleanup);\nconst release = "),
    },
    {
      name: "release(session) whose body disposes of its object another way (object.dispose()): it keeps its name's meaning (no report)",
      code: SESSION("  (object as unknown as { dispose(): void }).dispose();\n"),
    },
  ],
  invalid: [
    leakCase(
      "a pointer the scope registrar release(scope, p) is never given, used and dropped: it leaks (the registrar releases nothing by its name)",
      (end) => SCOPE_REGISTRAR(`  com.call(view, 3, null);\n${end}  return 0n;\n`),
      { pointer: "view", acquirer: "call", reached: "the return at line 21" },
      [18, 7],
      "com.release(view)",
      "  com.call(view, 3, null);\n  return 0n;\n",
    ),
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
  valid: [
    { name: "comRelease(...objects) releases each of its arguments, after their last use", code: REST_RELEASE("  const n = vtableCall(a, SLOT_SIZE, []) + vtableCall(b, SLOT_SIZE, []);\n  comRelease(a, b);\n  return n;\n") },
    {
      name: "the scope registrar release(scope, p) given one scope twice: the scope is no pointer it releases (no second Release of it)",
      code: SCOPE_REGISTRAR("  release(scope, view);\n  release(scope, folder);\n  return view;\n"),
    },
  ],
  invalid: [
    {
      name: "comRelease(...objects) releases its second argument too: a use of it after the call is a use after Release",
      code: REST_RELEASE("  vtableCall(a, SLOT_SIZE, []);\n  comRelease(a, b);\n  return vtableCall(b, SLOT_SIZE, []);\n"),
      errors: [{ messageId: "useAfterRelease", line: 22, column: 10 }],
    },
  ],
};
