/**
 * The engine's README lists its modules so that imports run one way, from the top of the list to the bottom: a
 * module imports only modules below it (type-only imports excepted). The list is the map a newcomer reads; this
 * keeps it true, and keeps the engine free of import cycles.
 */
import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";

const ENGINE = path.resolve(__dirname, "../../../eslint-plugin/src/engine");

/** The modules in the README's table, in its order. */
function listed(): string[] {
  const readme = fs.readFileSync(path.join(ENGINE, "README.md"), "utf8");
  return [...readme.matchAll(/^\| `([\w-]+\.ts)` \|/gm)].map((m) => m[1]);
}

/** The engine modules a module imports for their values (`import type` left out). */
function valueImports(file: string): string[] {
  const text = fs.readFileSync(path.join(ENGINE, file), "utf8");
  return [...text.matchAll(/^import (?!type )[^;]*?from "\.\/([\w-]+)";/gm)].map((m) => `${m[1]}.ts`);
}

describe("engine layers (eslint-plugin/src/engine/README.md)", () => {
  const order = listed();

  it("lists every module of the engine once", () => {
    const files = fs.readdirSync(ENGINE).filter((f) => f.endsWith(".ts") && f !== "index.ts").sort();
    assert.deepEqual([...order].sort(), files);
    assert.equal(new Set(order).size, order.length);
  });

  it("has each module import only modules listed below it", () => {
    const upward = order.flatMap((file, at) => valueImports(file).filter((imported) => order.indexOf(imported) <= at).map((imported) => `${file} imports ${imported}, listed above it`));
    assert.deepEqual(upward, []);
  });

  it("reads a value import on several lines and leaves out a type-only one (the test's own parsing)", () => {
    const sample = 'import {\n  a,\n  b,\n} from "./facts";\nimport type { C } from "./model";\n';
    assert.deepEqual([...sample.matchAll(/^import (?!type )[^;]*?from "\.\/([\w-]+)";/gm)].map((m) => m[1]), ["facts"]);
  });
});
