/**
 * A file's own table of COM functions, `const com = { invoke: ..., queryInterface(p, iid) {...}, release(p) {...} }`,
 * called as `com.queryInterface(loader, iid)`: each is what its body does, as a function of the file would be (an
 * acquisition, a dispatcher that only uses its object, a release, or nothing at all). And an async helper's pointer,
 * awaited into a variable, is named by that variable.
 */
import type { RuleCases } from "./types";

/** The table (lines 1-15); `release`'s body is given. `fileCount` and its callers follow from line 16. */
const TABLE = (releaseBody: string) => `import koffi from "koffi";
const QI = koffi.proto("int32_t __stdcall QI(void*, const void*, _Out_ void**)");
const REL = koffi.proto("uint32_t __stdcall REL(void*)");
const GET = koffi.proto("int32_t __stdcall GET(void*, _Out_ void**)");
const slot = (p: unknown, i: number) => koffi.decode(koffi.decode(p, "void*"), i * 8, "void*");
const SLOT = { fileGetLoader: 4, fontCreateFace: 13, faceGetFiles: 4, familyGetNames: 6, stringsGetLength: 3 } as const;
const com = {
  invoke: (p: unknown, i: number, proto: unknown, ...args: unknown[]) => koffi.call(slot(p, i), proto, p, ...args),
  queryInterface(p: unknown, iid: Buffer): unknown {
    const out = [null];
    return (koffi.call(slot(p, 0), QI, p, iid, out) as number) < 0 ? undefined : out[0];
  },
  release(p: unknown) {${releaseBody}},
};
// ---
`;
const RELEASES = " if (p) koffi.call(slot(p, 2), REL, p); ";

/** A pointer queried through the table's `queryInterface`; `end` is what the function does with it before returning. */
const QUERIED = (end: string) => `${TABLE(RELEASES)}export function hasLocalLoader(file: unknown, iid: Buffer): boolean {
  const out = [null];
  if ((com.invoke(file, SLOT.fileGetLoader, GET, out) as number) < 0) return false;
  const loader = out[0];
  const local = com.queryInterface(loader, iid);
  com.release(loader);
${end}  return !!local;
}
`;

/** A pointer handed to a helper of the file that calls through it with the table's `invoke` only. */
const HANDED_TO_HELPER = (end: string) => `${TABLE(RELEASES)}const readLength = (strings: unknown): number => {
  const n = [0];
  com.invoke(strings, SLOT.stringsGetLength, GET, 0, n);
  return n[0];
};
export function nameLength(family: unknown): number {
  const out = [null];
  if ((com.invoke(family, SLOT.familyGetNames, GET, out) as number) < 0) return 0;
  const names = out[0];
  const length = readLength(names);
${end}  return length;
}
`;

/** `face` released in a `finally` by the table's `release`, whose body is given. */
const RELEASED_BY_TABLE = (releaseBody: string) => `${TABLE(releaseBody)}export function fileCount(font: unknown): number {
  const out = [null];
  if ((com.invoke(font, SLOT.fontCreateFace, GET, out) as number) < 0) return 0;
  const face = out[0];
  try {
    return com.invoke(face, SLOT.faceGetFiles, GET, [null]) as number;
  } finally {
    com.release(face);
  }
}
`;

/** An async helper returning a pointer from a box, awaited into `list`, which the `finally` releases when `release` is given. */
const AWAITED = (release: string) => `import koffi from "koffi";
const REL = koffi.proto("uint32 __stdcall REL(void *self)");
const GET = koffi.proto("long __stdcall GET(void *self, _Out_ void **out)");
function call(o: unknown, slot: number, proto: unknown, ...rest: unknown[]): number {
  const t = koffi.decode(o, "void *");
  return koffi.call(koffi.decode(t, slot * 8, "void *"), proto, o, ...rest) as number;
}
function release(o: unknown): void { if (o !== null) call(o, 2, REL); }
async function results(op: unknown): Promise<unknown> {
  const out: [unknown] = [null];
  if (call(op, 8, GET, out) < 0) throw new Error("GetResults");
  return out[0];
}
export async function items(op: unknown): Promise<number> {
  let list: unknown = null;
  try {
    list = await results(op);
    return call(list, 7, GET, [null]);
  } finally {
    ${release}
  }
}
`;

/** The same table made by a factory of the file (lines 1-16), with a function querying through it from line 17. */
const FACTORY = (end: string) => `import koffi from "koffi";
const QI = koffi.proto("int32_t __stdcall QI(void*, const void*, _Out_ void**)");
const REL = koffi.proto("uint32_t __stdcall REL(void*)");
function createComRuntime() {
  const slot = (p: unknown, i: number) => koffi.decode(koffi.decode(p, "void*"), i * 8, "void*");
  return {
    queryInterface(p: unknown, iid: Buffer): unknown {
      const out = [null];
      return (koffi.call(slot(p, 0), QI, p, iid, out) as number) < 0 ? undefined : out[0];
    },
    release(p: unknown) {
      if (p) koffi.call(slot(p, 2), REL, p);
    },
  };
}
const com = createComRuntime();
export function hasLoader(loader: unknown, iid: Buffer): boolean {
  const local = com.queryInterface(loader, iid);
${end}  return !!local;
}
`;

/** A factory building its functions as constants and returning them by name (lines 1-13), then a function querying through it. */
const SHORTHAND = `import koffi from "koffi";
function createComRuntime() {
  const slot = (p: unknown, i: number) => koffi.decode(koffi.decode(p, "void*"), i * 8, "void*");
  const queryInterface = (p: unknown, iid: Buffer): unknown => {
    const out = [null];
    return (koffi.call(slot(p, 0), "QI", p, iid, out) as number) < 0 ? undefined : out[0];
  };
  const release = (p: unknown) => {
    if (p) koffi.call(slot(p, 2), "REL", p);
  };
  return { queryInterface, release };
}
const com = createComRuntime();
export function hasLoader(loader: unknown, iid: Buffer): boolean {
  const local = com.queryInterface(loader, iid);
  return !!local;
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a pointer from the table's `queryInterface` released by the table's `release`", code: QUERIED("  com.release(local);\n") },
    { name: "a pointer handed to a helper that only calls through it with the table's `invoke`, then released", code: HANDED_TO_HELPER("  com.release(names);\n") },
    { name: "a pointer released by the table's `release`, whose body calls the Release slot", code: RELEASED_BY_TABLE(RELEASES) },
    { name: "an awaited async helper's pointer released in the `finally`", code: AWAITED("release(list);") },
    { name: "a pointer from the `queryInterface` of a table a factory of the file returns, released by its `release`", code: FACTORY("  com.release(local);\n") },
  ],
  invalid: [
    {
      name: "the table's `queryInterface` acquires: its pointer, never released, leaks (named by its variable, released in the file's own words)",
      code: QUERIED(""),
      errors: [
        {
          messageId: "missingRelease",
          line: 20,
          column: 17,
          data: { pointer: "local", acquirer: "queryInterface", reached: "the return at line 22", release: "com.release(local)" },
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "local" },
              output: QUERIED("").replace("  com.release(loader);\n  return !!local;\n", "  try {\n    com.release(loader);\n    return !!local;\n  } finally {\n    com.release(local);\n  }\n"),
            },
          ],
        },
      ],
    },
    {
      name: "a pointer a helper only calls through with the table's `invoke` stays the caller's, and leaks there (released in the repair by the table's `release`, not its body's words)",
      code: HANDED_TO_HELPER(""),
      errors: [
        {
          messageId: "missingRelease",
          line: 23,
          column: 8,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "names" },
              output: HANDED_TO_HELPER("").replace(
                "  const length = readLength(names);\n  return length;\n",
                "  try {\n    const length = readLength(names);\n    return length;\n  } finally {\n    com.release(names);\n  }\n",
              ),
            },
            { messageId: "insertReleaseAtExit", data: { pointer: "names", count: "1" }, output: HANDED_TO_HELPER("  com.release(names);\n") },
          ],
        },
      ],
    },
    {
      name: "the table's `release` is what its body does: one that releases nothing leaves the pointer leaking",
      code: RELEASED_BY_TABLE(" if (!p) return; "),
      errors: [{ messageId: "missingRelease", line: 18, column: 8 }],
    },
    {
      name: "a table a factory of the file returns (`const com = createComRuntime()`): its `queryInterface` acquires, and the pointer leaks",
      code: FACTORY(""),
      errors: [
        {
          messageId: "missingRelease",
          line: 18,
          column: 17,
          data: { pointer: "local", acquirer: "queryInterface", reached: "the return at line 19", release: "com.release(local)" },
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "local" },
              output: FACTORY("").replace("  return !!local;\n", "  try {\n    return !!local;\n  } finally {\n    com.release(local);\n  }\n"),
            },
          ],
        },
      ],
    },
    {
      name: "a table's \`release\` of two parameters is no form for a repair (\`com.release(p)\` would not compile): its body's words are written",
      code: HANDED_TO_HELPER("").replace("  release(p: unknown) {", "  release(label: string, p: unknown) {"),
      errors: [
        {
          messageId: "missingRelease",
          line: 23,
          column: 8,
          data: { pointer: "names", acquirer: "SLOT.familyGetNames", reached: "the return at line 26", release: "koffi.call(slot(names, 2), REL, names)" },
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "names" },
              output: HANDED_TO_HELPER("")
                .replace("  release(p: unknown) {", "  release(label: string, p: unknown) {")
                .replace("  const length = readLength(names);\n  return length;\n", "  try {\n    const length = readLength(names);\n    return length;\n  } finally {\n    koffi.call(slot(names, 2), REL, names);\n  }\n"),
            },
            {
              messageId: "insertReleaseAtExit",
              data: { pointer: "names", count: "1" },
              output: HANDED_TO_HELPER("  koffi.call(slot(names, 2), REL, names);\n").replace("  release(p: unknown) {", "  release(label: string, p: unknown) {"),
            },
          ],
        },
      ],
    },
    {
      name: "a factory's table naming functions of the factory (\`return { queryInterface, release }\`): its \`queryInterface\` acquires, and the repair calls its \`release\`",
      code: SHORTHAND,
      errors: [
        {
          messageId: "missingRelease",
          line: 15,
          column: 17,
          data: { pointer: "local", acquirer: "queryInterface", reached: "the return at line 16", release: "com.release(local)" },
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "local" },
              output: SHORTHAND.replace("  return !!local;\n", "  try {\n    return !!local;\n  } finally {\n    com.release(local);\n  }\n"),
            },
          ],
        },
      ],
    },
    {
      name: "an awaited async helper's pointer is named by the variable it is assigned to, and released through it",
      code: AWAITED(""),
      errors: [
        {
          messageId: "missingRelease",
          line: 17,
          column: 18,
          data: { pointer: "list", acquirer: "results", reached: "the return at line 18", release: "call(list, 2, REL)" },
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              data: { pointer: "list" },
              output: AWAITED("").replace(
                "    return call(list, 7, GET, [null]);\n",
                "    try {\n      return call(list, 7, GET, [null]);\n    } finally {\n      call(list, 2, REL);\n    }\n",
              ),
            },
          ],
        },
      ],
    },
  ],
};
