/**
 * Copy propagation over a file's variables (module-pointers.handledKeys): what a copy's release
 * handles, and the bounds that keep it linear on bundled code.
 */
import * as assert from "node:assert/strict";
import type { FunctionGraph } from "../../eslint-plugin/dist/engine/segment-graph";
import { modulePointers } from "./internals";

type Event = Record<string, unknown>;

/** One function whose events run in order on one segment. */
function graphOf(events: Event[]): FunctionGraph[] {
  return [{ events: [events] } as unknown as FunctionGraph];
}

// Variables are keyed `v0`, `v1`... as the engine keys them; members follow (`v0.srv`).
const [hdr, src, a, b, c] = ["v0", "v1", "v2", "v3", "v4"];
const slot = (key: string) => ({ t: "slot", key });
const copy = (to: string, from: string): Event => ({ k: "assign", key: to, sym: slot(from), escapes: false });
const release = (key: string): Event => ({ k: "release", target: slot(key) });

describe("copy propagation (handledKeys)", () => {
  it("hands a release of a copy's member on to the member of what was copied", () => {
    const keys = modulePointers.handledKeys(graphOf([copy(src, hdr), release(`${src}.srv`)]), () => null);
    assert.ok(keys.has(`${hdr}.srv`));
  });

  it("follows a chain of copies (c = b; b = a)", () => {
    const keys = modulePointers.handledKeys(graphOf([copy(b, a), copy(c, b), release(`${c}.tex`)]), () => null);
    assert.ok(keys.has(`${b}.tex`) && keys.has(`${a}.tex`));
  });

  it("makes no key deeper than eight members on a cycle of copies that adds a member each time round", () => {
    // a = b.x; b = a: every turn round the cycle would make a key one member longer.
    const keys = modulePointers.handledKeys(graphOf([copy(a, `${b}.x`), copy(b, a), release(`${a}.y`)]), () => null);
    assert.ok(keys.has(`${b}.x.y`), "the first turn is followed");
    const depths = [...keys].map((k) => k.split(/[.[]/).length - 1);
    assert.ok(Math.max(...depths) <= 8, `deepest key: ${Math.max(...depths)} members`);
  });
});
