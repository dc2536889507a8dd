/**
 * Deno FFI's pointers (spec 2a, shapes 7 and 8): a box's pointer is a `bigint` that Deno code turns into a pointer
 * object before using it, with `Deno.UnsafePointer.create(out[0])` or through a small function of its own
 * (`asPointer(out[0])`). What such a conversion returns is the pointer the box received.
 */
import { leakCase } from "./leaks";
import type { RuleCases } from "./types";

/** A Deno dispatcher (`comCall`), a release helper, and an acquire helper whose box read goes through `convert`. */
const DENO_UIA = (convert: string, end: string, more = "") => `declare const Deno: any;
const POINTER_SIZE = 8;
${more}function comCall(object: unknown, index: number, result: string, parameters: string[] = [], args: unknown[] = []): number {
  const vtable = new Deno.UnsafePointerView(object).getPointer(0);
  const pointer = new Deno.UnsafePointerView(vtable).getPointer(index * POINTER_SIZE);
  const fn = new Deno.UnsafeFnPointer(pointer, { parameters: ["pointer", ...parameters], result });
  return fn.call(object, ...args);
}
function comRelease(object: unknown): void {
  if (object) comCall(object, 2, "u32");
}
function comPtr(object: unknown, index: number, args: unknown[] = []): unknown {
  const out = new BigUint64Array(1);
  if (comCall(object, index, "i32", ["buffer"], [...args, out]) < 0) return null;
  return ${convert};
}
export function childCount(root: unknown): number {
  const element = comPtr(root, 5);
  if (!element) return 0;
  const count = comCall(element, 7, "i32");
${end}  return count;
}
`;

/** Two pointers from the acquire helper, released together by a release function that goes over all its arguments. */
const RELEASE_EACH = (release: string) =>
  DENO_UIA(
    "Deno.UnsafePointer.create(out[0])",
    "  comRelease(element);\n",
    `function releaseAll(...objects: unknown[]): void {
  for (const object of objects) if (object) comCall(object, 2, "u32");
}
export function siblings(root: unknown): number {
  const first = comPtr(root, 4);
  const second = comPtr(root, 6);
  const n = comCall(first, 7, "i32") + comCall(second, 7, "i32");
  ${release};
  return n;
}
`,
  );

/**
 * A dialog created into an eight-byte box read with a DataView, converted with Deno's older `new Deno.UnsafePointer(n)`,
 * and called inline through its vtable (`new Deno.UnsafePointerView(dialog)`, `new Deno.UnsafeFnPointer(...).call(dialog)`):
 * native code, which keeps nothing it is given. `end` runs before the return.
 */
const INLINE_DIALOG = (end: string) => `declare const Deno: any;
const ole32 = Deno.dlopen("ole32.dll", { CoCreateInstance: { parameters: ["pointer", "pointer", "u32", "pointer", "pointer"], result: "u32" } });
const V_Release = 2;
const V_Show = 9;
function comCall(obj: unknown, index: number): number {
  const vt = new Deno.UnsafePointerView(obj).getPointer(0);
  return new Deno.UnsafeFnPointer(new Deno.UnsafePointerView(vt).getPointer(index * 8), { parameters: ["pointer"], result: "u32" }).call(obj);
}
export function pick(clsid: Uint8Array, iid: Uint8Array): number {
  const ppv = new Uint8Array(8);
  if (ole32.symbols.CoCreateInstance(clsid, null, 1, iid, ppv) !== 0) throw new Error("CoCreateInstance failed");
  const dialog = new Deno.UnsafePointer(Number(new DataView(ppv.buffer).getBigUint64(0, true)));
  const vtable = new Deno.UnsafePointerView(new Deno.UnsafePointerView(dialog).getPointer(0));
  const show = new Deno.UnsafeFnPointer(vtable.getPointer(V_Show * 8), { parameters: ["pointer", "pointer"], result: "u32" });
  const hr = show.call(dialog, null);
${end}  return hr;
}
`;

/**
 * The dialog's result: an IShellItem filled into a box by an inline vtable call, read into a `bigint` variable first and
 * converted with `new Deno.UnsafePointer(Number(big))` (a public Deno folder-picker worker), then called through its own
 * vtable; its display name comes back in a second box, freed as memory (no COM object). `end` runs before the return.
 */
const DIALOG_RESULT = (end: string, read = "const big = new DataView(box.buffer).getBigUint64(0, true);\n  const item = new Deno.UnsafePointer(Number(big));") => `declare const Deno: any;
const ole32 = Deno.dlopen("ole32.dll", { CoTaskMemFree: { parameters: ["pointer"], result: "void" } });
const V_Release = 2;
const V_GetResult = 20;
function comCall(obj: unknown, index: number): number {
  const vt = new Deno.UnsafePointerView(obj).getPointer(0);
  return new Deno.UnsafeFnPointer(new Deno.UnsafePointerView(vt).getPointer(index * 8), { parameters: ["pointer"], result: "u32" }).call(obj);
}
export function result(dialog: unknown): string {
  const vtable = new Deno.UnsafePointerView(new Deno.UnsafePointerView(dialog).getPointer(0));
  const box = new Uint8Array(8);
  const hr = new Deno.UnsafeFnPointer(vtable.getPointer(V_GetResult * 8), { parameters: ["pointer", "pointer"], result: "u32" }).call(dialog, box);
  if (hr !== 0) throw new Error("GetResult failed");
  ${read}
  const itemVtable = new Deno.UnsafePointerView(new Deno.UnsafePointerView(item).getPointer(0));
  const name = new Uint8Array(8);
  new Deno.UnsafeFnPointer(itemVtable.getPointer(5 * 8), { parameters: ["pointer", "u32", "pointer"], result: "u32" }).call(item, 0x80058000, name);
  const text = new Deno.UnsafePointer(Number(new DataView(name.buffer).getBigUint64(0, true)));
  const path = new Deno.UnsafePointerView(text).getCString();
  ole32.symbols.CoTaskMemFree(text);
${end}  return path;
}
`;

/**
 * A lookup that returns the method's function pointer, called with Deno's `.call` (a public Deno WebView2 host):
 * `com(p, 0, QI).call(p, iid, out)` is p's QueryInterface filling `out`, `com(p, 2, RELEASE).call(p)` its Release
 * (`query` releases what it queried: the file's form of Release, which a repair writes).
 */
const DENO_LOOKUP = (end: string) => `declare const Deno: any;
function com(obj: unknown, slot: number, def: object) {
  const vt = new Deno.UnsafePointerView(obj).getPointer(0);
  return new Deno.UnsafeFnPointer(new Deno.UnsafePointerView(vt).getPointer(slot * 8), def);
}
const QI = { parameters: ["pointer", "buffer", "buffer"], result: "i32" } as const;
const RELEASE = { parameters: ["pointer"], result: "u32" } as const;
const PUT = { parameters: ["pointer", "u32"], result: "i32" } as const;
export function query(c: unknown, iid: Uint8Array): boolean {
  const out = new BigUint64Array(1);
  if (com(c, 0, QI).call(c, iid, out) !== 0) return false;
  com(Deno.UnsafePointer.create(out[0]), 2, RELEASE).call(Deno.UnsafePointer.create(out[0]));
  return true;
}
export function enable(c: unknown, iid: Uint8Array): boolean {
  const out = new BigUint64Array(1);
  if (com(c, 0, QI).call(c, iid, out) !== 0) return false;
  const c2 = Deno.UnsafePointer.create(out[0]);
  const hr = com(c2, 27, PUT).call(c2, 1);
${end}  return hr === 0;
}
`;

const AS_POINTER = "function asPointer(value: bigint): unknown {\n  return value ? Deno.UnsafePointer.create(BigInt(value)) : null;\n}\n";

/** A Deno binding of `SHGetPropertyStoreForWindow`, which fills its box with an IPropertyStore. */
export const DENO_PROPERTY_STORE = `const shell = Deno.dlopen("shell32.dll", {
  SHGetPropertyStoreForWindow: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
} as const);
declare const IID_IPropertyStore: Uint8Array<ArrayBuffer>;
`;

/** Deno's inline vtable calls (no dispatcher of the file's own): `new Deno.UnsafeFnPointer(vt.getPointer(7 * 8), def).call(ps)`. */
const INLINE_DISPATCH = (end: string) => `${DENO_PROPERTY_STORE}export function commit(hwnd: Deno.PointerValue): void {
  const out = new BigUint64Array(1);
  if (shell.symbols.SHGetPropertyStoreForWindow(hwnd, IID_IPropertyStore, out as unknown as Uint8Array<ArrayBuffer>) !== 0) return;
  const ps = Deno.UnsafePointer.create(out[0])!;
  const vt = new Deno.UnsafePointerView(new Deno.UnsafePointerView(ps).getPointer(0)!);
  new Deno.UnsafeFnPointer(vt.getPointer(7 * 8)!, { parameters: ["pointer"], result: "i32" } as const).call(ps);
${end}}
`;

/** A Deno closure over `ps`'s vtable taking the slot first (`fn(IUNKNOWN_RELEASE, def).call(ps)`); `early` may return before the Release (line 14). */
const SLOT_FIRST = (early: string) => `const IUNKNOWN_RELEASE = 2;
const shell32 = Deno.dlopen("shell32.dll", {
  SHGetPropertyStoreForWindow: { parameters: ["pointer", "buffer", "buffer"], result: "i32" },
} as const).symbols;
export function commitStore(hwnd: Deno.PointerValue, iid: Uint8Array): number {
  const out = new BigUint64Array(1);
  if (shell32.SHGetPropertyStoreForWindow(hwnd, iid, new Uint8Array(out.buffer)) !== 0) return -1;
  const ps = Deno.UnsafePointer.create(out[0])!;
  const vt = new Deno.UnsafePointerView(new Deno.UnsafePointerView(ps).getPointer(0)!);
  const fn = <T extends Deno.ForeignFunction>(slot: number, def: T) =>
    new Deno.UnsafeFnPointer(vt.getPointer(slot * 8) as Deno.PointerObject<T>, def);
  const hr = fn(7, { parameters: ["pointer"], result: "i32" } as const).call(ps);
${early}  fn(IUNKNOWN_RELEASE, { parameters: ["pointer"], result: "u32" } as const).call(ps);
  return hr;
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a Deno closure over the object's vtable taking the slot first (`fn(2, def).call(ps)`) releases it at slot 2", code: SLOT_FIRST("") },
    { name: "Deno's inline call of slot 2 of the object's own vtable (vt.getPointer(2 * 8), vt a view of it) is its Release", code: INLINE_DISPATCH('  new Deno.UnsafeFnPointer(vt.getPointer(2 * 8)!, { parameters: ["pointer"], result: "u32" } as const).call(ps);\n') },
    { name: "Deno's inline call of the vtable slot at byte 16, the view written inline, is its Release", code: INLINE_DISPATCH('  new Deno.UnsafeFnPointer(new Deno.UnsafePointerView(new Deno.UnsafePointerView(ps).getPointer(0)!).getPointer(16)!, { parameters: ["pointer"], result: "u32" } as const).call(ps);\n') },
    { name: "a box's pointer converted by the file's asPointer, released by the caller", code: DENO_UIA("asPointer(out[0])", "  comRelease(element);\n", AS_POINTER) },
    { name: "a box's pointer converted by Deno.UnsafePointer.create, released by the caller", code: DENO_UIA("Deno.UnsafePointer.create(out[0])", "  comRelease(element);\n") },
    {
      name: "a function that does more than convert its parameter (it logs a message and returns another value) is no conversion: its result is no box read",
      code: DENO_UIA("describe(out[0])", "", "function describe(value: bigint): unknown {\n  return value ? Deno.UnsafePointer.create(BigInt(value + 8n)) : null;\n}\n"),
    },
    { name: "a release function over its rest parameter (for...of) releases every argument: releaseAll(first, second)", code: RELEASE_EACH("releaseAll(first, second)") },
    { name: "a Deno pointer used only through inline native calls (UnsafePointerView, UnsafeFnPointer.call), released by the file's dispatcher", code: INLINE_DIALOG("  comCall(dialog, V_Release);\n") },
    { name: "Deno: a lookup's function pointer called at once with .call (com(c2, 2, RELEASE).call(c2)) is c2's Release, not a Release followed by a use of c2", code: DENO_LOOKUP("  com(c2, 2, RELEASE).call(c2);\n") },
    { name: "a box read into a bigint variable, converted with new Deno.UnsafePointer(Number(big)) and called through its vtable, released by the file's dispatcher (the string read from the second box is freed as memory: no object)", code: DIALOG_RESULT("  comCall(item, V_Release);\n") },
  ],
  invalid: [
    {
      name: "a Deno closure over the object's vtable taking the slot first: a return before its slot-2 call leaks the object",
      code: SLOT_FIRST("  if (hr !== 0) return hr;\n"),
      errors: [{ messageId: "missingRelease", line: 7, column: 7, data: { pointer: "ps", acquirer: "SHGetPropertyStoreForWindow", reached: "the return at line 13", release: "ps.Release()" }, suggestions: [] }],
    },
    {
      name: "a Deno file that releases nothing, its object only called inline through its vtable: the leak is reported (no repair: the file has no release form)",
      code: INLINE_DISPATCH(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "ps", acquirer: "SHGetPropertyStoreForWindow", reached: "the end of the function at line 11", release: "ps.Release()" }, line: 7, column: 7 }],
    },
    leakCase(
      "a box's pointer converted by the file's asPointer (return value ? Deno.UnsafePointer.create(BigInt(value)) : null), never released by the caller",
      (end) => DENO_UIA("asPointer(out[0])", end, AS_POINTER),
      { pointer: "element", acquirer: "comPtr", reached: "the return at line 24" },
      [21, 19],
      'comCall(element, 2, "u32")',
      "  const count = comCall(element, 7, \"i32\");\n  return count;\n",
    ),
    leakCase(
      "a box's pointer converted by Deno.UnsafePointer.create, never released by the caller",
      (end) => DENO_UIA("Deno.UnsafePointer.create(out[0])", end),
      { pointer: "element", acquirer: "comPtr", reached: "the return at line 21" },
      [18, 19],
      'comCall(element, 2, "u32")',
      "  const count = comCall(element, 7, \"i32\");\n  return count;\n",
    ),
    {
      name: "a release function over its rest parameter releases only the arguments it is given: releaseAll(first) leaves second",
      code: RELEASE_EACH("releaseAll(first)"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "second", acquirer: "comPtr", reached: "the return at line 11", release: "comRelease(second)" },
          line: 8,
          column: 18,
          suggestions: [
            {
              messageId: "insertReleaseFinally",
              output: RELEASE_EACH("releaseAll(first)").replace(
                '  const n = comCall(first, 7, "i32") + comCall(second, 7, "i32");\n  releaseAll(first);\n  return n;\n',
                '  try {\n    const n = comCall(first, 7, "i32") + comCall(second, 7, "i32");\n    releaseAll(first);\n    return n;\n  } finally {\n    comRelease(second);\n  }\n',
              ),
            },
            { messageId: "insertReleaseAtExit", output: RELEASE_EACH("releaseAll(first);\n  comRelease(second)") },
          ],
        },
      ],
    },
      {
      name: "a Deno pointer used only through inline native calls (new Deno.UnsafePointer(n), UnsafePointerView, UnsafeFnPointer.call), never released; a file that releases nothing gives no repair",
      code: INLINE_DIALOG(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "dialog", acquirer: "CoCreateInstance", reached: "the return at line 16", release: "dialog.Release()" }, line: 11, column: 7 }],
    },
    leakCase(
      "Deno: a lookup's function pointer called at once with .call (com(c, 0, QI).call(c, iid, out)) is a QueryInterface filling out; never released, the repair calls the lookup's Release the same way",
      DENO_LOOKUP,
      { pointer: "c2", acquirer: "com", reached: "the return at line 20" },
      [17, 7],
      "com(c2, 2, RELEASE).call(c2)",
      "  const hr = com(c2, 27, PUT).call(c2, 1);\n  return hr === 0;\n",
    ),
    leakCase(
      "Deno: a file that releases nothing and looks methods up with .call: the repair calls the lookup with the file's Release definition (com(c2, 2, RELEASE).call(c2))",
      (end) => DENO_LOOKUP(end).replace(/export function query[\s\S]*?\n}\n/, ""),
      { pointer: "c2", acquirer: "com", reached: "the return at line 14" },
      [11, 7],
      "com(c2, 2, RELEASE).call(c2)",
      "  const hr = com(c2, 27, PUT).call(c2, 1);\n  return hr === 0;\n",
    ),
    {
      name: "a box read into a bigint variable, then converted (new Deno.UnsafePointer(Number(big))) and called through its vtable, never released: the pointer is named by the converted variable",
      code: DIALOG_RESULT(""),
      errors: [{ messageId: "missingRelease", data: { pointer: "item", acquirer: "box", reached: "the return at line 22", release: "item.Release()" }, line: 12, column: 14 }],
    },
    {
      name: "a box read converted inline (new Deno.UnsafePointer(Number(view.getBigUint64(0, true)))) and called through its vtable, never released",
      code: DIALOG_RESULT("", "const item = new Deno.UnsafePointer(Number(new DataView(box.buffer).getBigUint64(0, true)));"),
      errors: [{ messageId: "missingRelease", data: { pointer: "item", acquirer: "box", reached: "the return at line 21", release: "item.Release()" }, line: 12, column: 14 }],
    },
  ],
};
