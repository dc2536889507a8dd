/**
 * Results of calls the function releases itself (engine/released-results.ts): COM hands the caller a reference with
 * every interface pointer a method returns, so a method's result the code releases on some path is owned from the
 * call, and a path that skips the Release leaks it (a wrapper class's `this.getDesktop()`, `items.Item(0)`).
 */
import type { RuleCases } from "./types";

/** A collection's item released after use; `early` goes between the call and the Release. */
const ITEM = (early: string) => `export function count(items: any, flag: boolean): number {
  const item = items.Item(0);
  const n = item.Count();
${early}  item.Release();
  return n;
}
`;

/** A wrapper class whose helper method names nothing of the protocol (no summary), used with an early return. */
const WRAPPER = (early: string) => `export class Automation {
  ui: any;
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
          data: { pointer: "desktop", acquirer: "getDesktop", reached: "the return at line 8", release: "desktop.Release()" },
          line: 7,
          column: 21,
          suggestions: [{ messageId: "insertReleaseAtExit", data: { pointer: "desktop" }, output: WRAPPER("    if (quick) { desktop.Release(); return null; }\n") }],
        },
      ],
    },
  ],
};
