import type { RuleCases } from "./types";
import { BUN_VTABLE_CALL } from "./bun-dispatch";

/** A raw pointer from a box, released through its vtable (line 15), then used by `vtableCall(item, slot, [])` (line 16). */
const VTABLE_USE = (slot: string) => `import { CFunction, FFIType, ptr, read } from "bun:ffi";
const SLOT_QUERYINTERFACE = 0;
const SLOT_RELEASE = 2;
const SLOT_CREATE_ITEM = 10;
const SLOT_ITEM_SIZE = 7;
${BUN_VTABLE_CALL}declare function keep(p: number): number;
export function itemSize(pool: number, quick = false): number {
  const out = new BigUint64Array(1);
  if (vtableCall(pool, SLOT_CREATE_ITEM, [ptr(out)]) < 0) return -1;
  const item = read.ptr(out);
  vtableCall(item, SLOT_RELEASE, []);
  return vtableCall(item, ${slot}, []);
}
`;

/**
 * The body after the acquisition: a `return` inside `try` (after `beforeReturn`, line 17) and the `finally` releasing
 * (line 20), which the `try`'s normal end reaches apart (ESLint gives that path a `finally` of its own).
 */
const RAW_RETURN_THROUGH_FINALLY = (beforeReturn: string) => `  let size = 0;
  try {
    if (quick) { ${beforeReturn}return 0; }
    size = vtableCall(item, SLOT_ITEM_SIZE, []);
  } finally {
    vtableCall(item, SLOT_RELEASE, []);
  }
  return size;
`;

/** A function that acquires (returned to its caller), so that a file of the cases below is one the analysis reads. */
const OPENER = `function open(call: AsyncIStockQuote) {
  return call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
}
`;

export const cases: RuleCases = {
  valid: [
    {
      name: "a raw pointer returned from inside `try` and released once by the `finally`",
      code: VTABLE_USE("SLOT_ITEM_SIZE").replace(
        "  vtableCall(item, SLOT_RELEASE, []);\n  return vtableCall(item, SLOT_ITEM_SIZE, []);\n",
        RAW_RETURN_THROUGH_FINALLY(""),
      ),
    },
    {
      name: "a raw pointer's address printed by a function of the file after its Release (`formatAddress(item)`) reads a number, not the object",
      code: VTABLE_USE("SLOT_ITEM_SIZE")
        .replace("declare function keep(p: number): number;", "function formatAddress(value: number): string {\n  return `0x${value.toString(16).padStart(16, \"0\")} (${value === 0 ? \"null\" : \"set\"})`;\n}")
        .replace("return vtableCall(item, SLOT_ITEM_SIZE, []);", "return formatAddress(item).length;"),
    },
    {
      name: "use, then release",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "release on one branch, use on the other",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (ready) {
    cancel.Release();
  } else {
    cancel.Cancel(0);
    cancel.Release();
  }
}
`,
    },
    {
      name: "re-acquired before the next use",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  let cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Release();
  cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "a new pointer every loop turn",
      code: `function all(calls: AsyncIStockQuote[]) {
  for (const call of calls) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Cancel(0);
    cancel.Release();
  }
}
`,
    },
    {
      name: "a Release that throws in try is not released twice by the catch's path",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Release();
  } catch {
    log("release failed");
  }
}
`,
    },
    {
      name: "after AddRef the pointer has two references: two Releases are balanced",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.AddRef();
  cancel.Release();
  cancel.Cancel(0);
  cancel.Release();
}
`,
    },
    {
      name: "a parameter's pointer released once on each branch is released once",
      code: `${OPENER}function close(cancel: ICancelMethodCalls, early: boolean) {
  if (early) cancel.Release();
  else cancel.Release();
}
`,
    },
    {
      name: "a loop variable bound afresh each turn names another pointer each turn",
      code: `${OPENER}function closeAll(list: ICancelMethodCalls[]) {
  for (const cancel of list) cancel.Release();
}
`,
    },
    {
      name: "a parameter assigned another pointer after its Release may be released again",
      code: `${OPENER}function close(cancel: ICancelMethodCalls, other: ICancelMethodCalls) {
  cancel.Release();
  cancel = other;
  cancel.Release();
}
`,
    },
    {
      name: "one Release of a parameter repeated by a loop hands back the references the caller counted out",
      code: `${OPENER}function drain(cancel: ICancelMethodCalls, references: number) {
  for (let i = 0; i < references; i++) cancel.Release();
  log("drained");
}
`,
    },
    {
      name: "a field released and set to null is released once",
      code: `${OPENER}class Holder {
  cancel: ICancelMethodCalls | null = null;
  close() {
    this.cancel?.Release();
    this.cancel = null;
  }
}
`,
    },
    {
      name: "a pointer bound by \`using\` and never released by hand is released once, at its block's end",
      code: `function quote(call: AsyncIStockQuote) {
  using cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
}
`,
    },
    {
      name: "a field released, a method called that may set it again, and released again: fields are not judged (only variables)",
      code: `${OPENER}class Holder {
  cancel!: ICancelMethodCalls;
  reset() { this.cancel = open(null!); }
  close() {
    this.cancel.Release();
    this.reset();
    this.cancel.Release();
  }
}
`,
    },
    {
      name: "a parameter AddRef'd before two Releases gives back the reference it took",
      code: `${OPENER}function hold(cancel: ICancelMethodCalls) {
  cancel.AddRef();
  try {
    cancel.Cancel(0);
  } finally {
    cancel.Release();
  }
  cancel.Release();
}
`,
    },
    {
      name: "a parameter's Releases whose count the code reads hand back counted references (`let n = p.Release(); while (n > 0) n = p.Release()`)",
      code: `${OPENER}function drain(cancel: ICancelMethodCalls) {
  let n = cancel.Release();
  while (n > 0) n = cancel.Release();
}
`,
    },
    {
      name: "another object's \`release\` method given the parameter (\`tracker.release(p)\`) is no Release of it: the Release after it is the first",
      code: `${OPENER}declare const tracker: { release(p: unknown): void };
function close(cancel: ICancelMethodCalls) {
  tracker.release(cancel);
  cancel.Release();
}
`,
    },
    {
      name: "a raw pointer's Release looked up into a constant and then called is one Release",
      code: `import koffi from "koffi";
const ReleaseProto = koffi.proto("uint32_t __stdcall Release(void *self)");
function slot(p: unknown, i: number): unknown {
  return koffi.decode(koffi.decode(p, "void *"), i * 8, "void *");
}
export function release(p: unknown): void {
  const fn = slot(p, 2);
  koffi.call(fn, ReleaseProto, p);
}
`,
    },
    {
      name: "a parameter given another pointer by destructuring after its Release (\`[cancel] = pairs[0]\`) may be released again",
      code: `${OPENER}function close(cancel: ICancelMethodCalls, pairs: [ICancelMethodCalls][]) {
  cancel.Release();
  [cancel] = pairs[0];
  cancel.Release();
}
`,
    },
    {
      name: "a module variable released, a function called that may set it again, and released again: only a function's own variables are judged",
      code: `${OPENER}let shared: ICancelMethodCalls;
function reopen(call: AsyncIStockQuote) { shared = open(call); }
function cycle(call: AsyncIStockQuote) {
  shared.Release();
  reopen(call);
  shared.Release();
}
`,
    },
    {
      name: "unrelated release APIs: a semaphore released twice and a mutex's unlock function are no COM pointers",
      code: `declare const sem: { acquire(): Promise<void>; release(): void };
declare const mutex: { acquire(): Promise<() => void> };
export async function guarded(work: () => Promise<void>) {
  await sem.acquire();
  sem.release();
  sem.release();
  const unlock = await mutex.acquire();
  unlock();
  await work();
}
`,
    },
    {
      name: "a labeled continue after the Release in an inner loop skips the outer turn's own Release and use",
      code: `function stop(calls: AsyncIStockQuote[]) {
  outer: for (const call of calls) {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    for (let i = 0; i < 3; i++) {
      if (cancel.TestCancel() === S_OK) {
        cancel.Release();
        continue outer;
      }
    }
    cancel.Cancel(0);
    cancel.Release();
  }
}
`,
    },
  ],
  invalid: [
    {
      name: "a call on the pointer after its release",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Release();
  cancel.Cancel(0);
}
`,
      errors: [
        {
          messageId: "useAfterRelease",
          data: { pointer: "cancel", line: "3", use: "calls Cancel on it" },
          line: 4,
          column: 3,
        },
      ],
    },
    {
      name: "double release",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Release();
  if (ready) cancel.Release();
}
`,
      errors: [
        {
          messageId: "useAfterRelease",
          data: { pointer: "cancel", line: "3", use: "releases it again" },
          line: 4,
          column: 14,
        },
      ],
    },
    {
      name: "passing a released pointer on",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  release(cancel);
  log(cancel);
}
`,
      errors: [
        {
          messageId: "useAfterRelease",
          data: { pointer: "cancel", line: "3", use: "passes it on" },
          line: 4,
          column: 3,
        },
      ],
    },
    {
      name: "release in a loop without re-acquiring",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  for (let i = 0; i < 2; i++) {
    cancel.Release();
  }
}
`,
      errors: [
        {
          messageId: "useAfterRelease",
          data: { pointer: "cancel", line: "4", use: "releases it again" },
          line: 4,
          column: 5,
        },
      ],
    },
    {
      name: "released in finally, used after the try",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  try {
    cancel.Cancel(0);
  } finally {
    cancel.Release();
  }
  cancel.Cancel(0);
}
`,
      errors: [
        {
          messageId: "useAfterRelease",
          data: { pointer: "cancel", line: "6", use: "calls Cancel on it" },
          line: 8,
          column: 3,
        },
      ],
    },
    {
      name: "use through an alias after release",
      code: `function quote(call: AsyncIStockQuote, ready: boolean) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  const alias = cancel;
  cancel.Release();
  alias.Cancel(0);
}
`,
      errors: [
        {
          messageId: "useAfterRelease",
          data: { pointer: "cancel", line: "4", use: "passes it on" },
          line: 5,
          column: 3,
        },
      ],
    },
    {
      name: "a raw pointer's method called through its vtable after its Release: the message says so (no 'passes it on')",
      code: VTABLE_USE("SLOT_ITEM_SIZE"),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "15", use: "calls a method of it through its vtable" }, line: 16, column: 10 }],
    },
    {
      name: "a raw pointer queried through its vtable after its Release: the method is named",
      code: VTABLE_USE("SLOT_QUERYINTERFACE"),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "15", use: "calls QueryInterface on it through its vtable" }, line: 16, column: 10 }],
    },
    {
      name: "a raw pointer's method called through its vtable after its Release, given as a conversion (`vtableCall(Number(item), ...)`): the message says a method of it is called",
      code: VTABLE_USE("SLOT_ITEM_SIZE").replace("return vtableCall(item, SLOT_ITEM_SIZE, []);", "return vtableCall(Number(item), SLOT_ITEM_SIZE, []);"),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "15", use: "calls a method of it through its vtable" }, line: 16 }],
    },
    {
      name: "a raw pointer given to a function of its vtable table after its Release (`vt.GetSize(item)`): the message names that method",
      code: VTABLE_USE("SLOT_ITEM_SIZE")
        .replace("declare function keep(p: number): number;", "declare const vt: { GetSize(p: number): number };")
        .replace("return vtableCall(item, SLOT_ITEM_SIZE, []);", "return vt.GetSize(item);"),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "15", use: "calls GetSize on it through its vtable" }, line: 16, column: 10 }],
    },
    {
      name: "a raw pointer given to a library's export after its Release (`lib.symbols.Inspect(item)`) is passed on, not a method of its vtable",
      code: VTABLE_USE("SLOT_ITEM_SIZE")
        .replace("declare function keep(p: number): number;", "declare const lib: { symbols: { Inspect(p: number): number } };")
        .replace("return vtableCall(item, SLOT_ITEM_SIZE, []);", "return lib.symbols.Inspect(item);"),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "15", use: "passes it on" }, line: 16, column: 10 }],
    },
    {
      name: "a raw pointer released before a `return` inside `try`, and again by the `finally` (which the throw path reaches holding it): released twice",
      code: VTABLE_USE("SLOT_ITEM_SIZE").replace(
        "  vtableCall(item, SLOT_RELEASE, []);\n  return vtableCall(item, SLOT_ITEM_SIZE, []);\n",
        RAW_RETURN_THROUGH_FINALLY("vtableCall(item, SLOT_RELEASE, []); "),
      ),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "17", use: "releases it again" }, line: 20, column: 5 }],
    },
    {
      name: "a raw pointer given after its Release to a function of the file that calls through it is passed on (not only printed)",
      code: VTABLE_USE("SLOT_ITEM_SIZE")
        .replace("declare function keep(p: number): number;", "function sizeOf(value: number): string {\n  return `${value.toString(16)}: ${vtableCall(value, SLOT_ITEM_SIZE, [])}`;\n}")
        .replace("return vtableCall(item, SLOT_ITEM_SIZE, []);", "return sizeOf(item).length;"),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "17", use: "passes it on" }, line: 18, column: 10 }],
    },
    {
      name: "a raw pointer handed to a function after its Release is passed on",
      code: VTABLE_USE("SLOT_ITEM_SIZE").replace("return vtableCall(item, SLOT_ITEM_SIZE, []);", "return keep(item);"),
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "15", use: "passes it on" }, line: 16, column: 10 }],
    },
    {
      name: "koffi: a method looked up in a released pointer's vtable and called on it (`koffi.call(methodAddress(t, 5), proto, t)`) calls a method of it, not passes it on",
      code: `import koffi from "koffi";
const CoCreateInstance = koffi.load("ole32.dll").func("__stdcall", "CoCreateInstance", "int32_t", ["const void*", "void*", "uint32_t", "const void*", "_Out_ void **"]);
const releaseMethod = koffi.proto("__stdcall", "uint32_t", ["void*"]);
const seekMethod = koffi.proto("__stdcall", "int32_t", ["void*", "int64_t", "uint32_t", "void*"]);
function methodAddress(p: unknown, index: number): unknown {
  return (koffi.decode(koffi.decode(p, "void*"), "void*", index + 1) as unknown[])[index];
}
export function rewind(clsid: unknown, iid: unknown): number {
  const out = koffi.alloc("void*", 1);
  if (CoCreateInstance(clsid, null, 1, iid, out) < 0) return -1;
  const stream = koffi.decode(out, "void*");
  koffi.call(methodAddress(stream, 2), releaseMethod, stream);
  koffi.call(methodAddress(stream, 5), seekMethod, stream, 0, 0, null);
  return 0;
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "stream", line: "12", use: "calls a method of it through its vtable" }, line: 13, column: 14 }],
    },
    {
      name: "a released call object is not a call object any more",
      code: `function start(factory: ICallFactory) {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_GetPrice("MSFT");
  call.Release();
  call.Begin_GetPrice("IBM");
}
`,
      errors: [
        {
          messageId: "useAfterRelease",
          data: { pointer: "call", line: "4", use: "calls Begin_GetPrice on it" },
          line: 5,
          column: 3,
        },
      ],
    },
    {
      name: "a parameter's pointer released twice: the caller's reference is given back twice",
      code: `${OPENER}function close(cancel: ICancelMethodCalls) {
  cancel.Release();
  cancel.Release();
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "cancel", line: "5", use: "releases it again" }, line: 6, column: 3 }],
    },
    {
      name: "a parameter's pointer used after this function released it",
      code: `${OPENER}function close(cancel: ICancelMethodCalls, ready: boolean) {
  if (ready) cancel.Release();
  cancel.Cancel(0);
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "cancel", line: "5", use: "calls Cancel on it" }, line: 6, column: 3 }],
    },
    {
      name: "a raw pointer given as a parameter and released twice through a release helper of the file",
      code: `import { CFunction, FFIType, read } from "bun:ffi";
const SLOT_RELEASE = 2;
${BUN_VTABLE_CALL}function release(p: number): void {
  if (p) vtableCall(p, SLOT_RELEASE, []);
}
export function close(item: number): void {
  release(item);
  release(item);
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "item", line: "11", use: "releases it again" } }],
    },
    {
      name: "a pointer bound by \`using\` released by hand too: the block's end releases it a second time",
      code: `function quote(call: AsyncIStockQuote) {
  using cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Cancel(0);
  cancel.Release();
}
`,
      errors: [{ messageId: "releaseBeforeDisposal", data: { pointer: "cancel", declaration: "using", line: "2" }, line: 4, column: 3 }],
    },
    {
      name: "a pointer declared with \`await using\` released by hand too: the message names that declaration",
      code: `async function quote(call: AsyncIStockQuote) {
  await using cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  cancel.Release();
}
`,
      errors: [{ messageId: "releaseBeforeDisposal", data: { pointer: "cancel", declaration: "await using", line: "2" }, line: 3, column: 3 }],
    },
    {
      name: "a parameter's pointer given twice to a helper of the file whose body releases it (named for no Release): released twice",
      code: `${OPENER}function drop(cancel: ICancelMethodCalls | null) {
  if (cancel) cancel.Release();
}
function close(cancel: ICancelMethodCalls) {
  drop(cancel);
  drop(cancel);
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "cancel", line: "8", use: "releases it again" }, line: 9, column: 3 }],
    },
    {
      name: "a pointer given again to a helper of the file whose body releases it: the message says it is released again, not passed on",
      code: `function drop(cancel: ICancelMethodCalls | null) {
  if (cancel) cancel.Release();
}
function quote(call: AsyncIStockQuote) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  drop(cancel);
  drop(cancel);
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "cancel", line: "6", use: "releases it again" }, line: 7, column: 3 }],
    },
    {
      name: "switch fall-through from a case that releases into one that cancels: a use after the Release",
      code: `function stop(call: AsyncIStockQuote, mode: number) {
  const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  switch (mode) {
    case 0:
      cancel.Release();
    case 1:
      cancel.Cancel(0);
      break;
    default:
      cancel.Release();
  }
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "cancel", line: "5", use: "calls Cancel on it" }, line: 7, column: 7 }],
    },
    {
      name: "an arrow function in a class field: a call on the pointer after its Release",
      code: `class Quoter {
  stop = (call: AsyncIStockQuote) => {
    const cancel = call.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
    cancel.Release();
    cancel.Cancel(0);
  };
}
`,
      errors: [{ messageId: "useAfterRelease", data: { pointer: "cancel", line: "4", use: "calls Cancel on it" }, line: 5, column: 5 }],
    },
  ],
};
