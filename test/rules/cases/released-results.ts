/**
 * Results of calls the function releases itself (engine/released-results.ts): COM hands the caller a reference with
 * every interface pointer a method returns, so a method's result the code releases on some path is owned from the
 * call, and a path that skips the Release leaks it (a wrapper class's `this.getDesktop()`, `items.Item(0)`).
 */
import type { RuleCases } from "./types";

/** A collection's item (an IUnknown) released after use; `early` goes between the call and the Release. */
const ITEM = (early: string) => `export function count(items: { Item(i: number): IUnknown & { Count(): number } }, flag: boolean): number {
  const item = items.Item(0);
  const n = item.Count();
${early}  item.Release();
  return n;
}
`;

/** A koffi wrapper class whose helper method names nothing of the protocol (no summary), used with an early return. */
const WRAPPER = (early: string) => `import koffi from "koffi";
export class Automation {
  ui: any = koffi;
  getDesktop(): any {
    return this.ui.getRootElement();
  }
  find(title: string, quick: boolean): string | null {
    const desktop = this.getDesktop();
${early}    desktop.Release();
    return title;
  }
}
`;

export const cases: RuleCases = {
  valid: [
    { name: "a method's result released on every path owes nothing", code: ITEM("") },
    { name: "a method's result the function never releases is not known to be owned (a borrowed object, a plain value): no report", code: ITEM("  if (flag) return 0;\n").replace("  item.Release();\n", "") },
    {
      name: "a method's result released only by a closure (which may run at any time) is no evidence of ownership here",
      code: `export function later(items: any, flag: boolean): void {
  const item = items.Item(0);
  if (flag) return;
  setTimeout(() => item.Release(), 10);
}
`,
    },
    {
      name: "a `let` that may be assigned again is not taken to hold the call's result throughout: no report",
      code: ITEM("  if (flag) return 0;\n").replace("  const item", "  let item"),
    },
    { name: "a wrapper class's helper result released on every path owes nothing", code: WRAPPER("") },
    {
      name: "a cache replacing its entry releases the old one only when it differs: a Release on some paths is no evidence the lookup handed a reference over",
      code: `export class Cache {
  private readonly entries = new Map<string, IUnknown>();
  private current: { value(): IUnknown } | null = null;
  swap(key: string, next: IUnknown, keep: boolean): void {
    const old = this.current!.value();
    if (!keep && old !== next) old.Release();
    this.entries.set(key, next);
  }
}
`,
    },
    {
      name: "an element looked up in a collection (map.get) stays the collection's until removed: released at the end, no early exit leaks it",
      code: `export function drop(pool: Map<string, IUnknown>, key: string, ready: boolean): void {
  const item = pool.get(key)!;
  if (!ready) return;
  pool.delete(key);
  item.Release();
}
`,
    },
    {
      name: "a semaphore-like object whose type has Release but neither AddRef nor QueryInterface is no COM object (typed)",
      mode: "typed",
      code: `interface Permit { WaitOne(ms: number): boolean; Release(): number }
interface Semaphores { Get(name: string): Permit }
export function guarded(sems: Semaphores, work: () => void): boolean {
  const permit = sems.Get("db");
  if (!permit.WaitOne(1000)) return false;
  try {
    work();
  } finally {
    permit.Release();
  }
  return true;
}
declare const IID_IUnused: IUnknown;
`,
    },
  ],
  invalid: [
    {
      name: "a method's result the function releases on one path leaks on the early return that skips the Release",
      code: ITEM("  if (flag) return 0;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "item", acquirer: "Item", reached: "the return at line 4", release: "item.Release()" },
          line: 2,
          column: 16,
          suggestions: [{ messageId: "insertReleaseAtExit", data: { pointer: "item" }, output: ITEM("  if (flag) { item.Release(); return 0; }\n") }],
        },
      ],
    },
    {
      name: "a wrapper class's helper (naming nothing of the protocol) whose result the method releases: the early return leaks it",
      code: WRAPPER("    if (quick) return null;\n"),
      errors: [
        {
          messageId: "missingRelease",
          data: { pointer: "desktop", acquirer: "getDesktop", reached: "the return at line 9", release: "desktop.Release()" },
          line: 8,
          column: 21,
          suggestions: [{ messageId: "insertReleaseAtExit", data: { pointer: "desktop" }, output: WRAPPER("    if (quick) { desktop.Release(); return null; }\n") }],
        },
      ],
    },
  ],
};
