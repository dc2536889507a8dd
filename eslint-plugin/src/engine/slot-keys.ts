/**
 * The shape of the engine's keys (symbols.ts makes them): `v<n>` for a variable of the file, a member path after it
 * (`v3.srv`), and an out box's slot after its box (`v3[0]`, `v3.value`).
 */

/** The two slots of an out box, as key suffixes: `out[0]` (an array box) and `out.value` (an object box). */
export const BOX_SLOTS = ["[0]", ".value"] as const;

/** The box whose slot a key names (`v3[0]` -> `v3`), or null. */
export function boxOfSlot(key: string): string | null {
  for (const slot of BOX_SLOTS) if (key.endsWith(slot)) return key.slice(0, -slot.length);
  return null;
}

export function isBoxSlot(key: string): boolean {
  return boxOfSlot(key) !== null;
}

/** A key of a plain variable (what `keyOf` gives an identifier of this file), not a member path or a global. */
export function isVariableKey(key: string): boolean {
  return /^v\d+$/.test(key);
}

/** `v3` of `v3.tex.srv` or `v3[0]`: the variable a key starts from. */
export function rootKey(key: string): string {
  // A character scan, not a pattern: this runs for every key of every event of the file.
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c === 46 /* . */ || c === 91 /* [ */) return key.slice(0, i);
  }
  return key;
}
