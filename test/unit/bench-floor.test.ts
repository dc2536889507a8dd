/**
 * bench/floor-plus-plugin.cjs is the yardstick of target (b) (BENCHMARKS.md, issue 10 item 5): the least
 * a path-sensitive check does to find what com-async finds on the library-heavy corpus. Its cost is a
 * fair floor only while it finds exactly that; this keeps the claim checked as the engine changes.
 */
import * as assert from "node:assert/strict";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import { Linter } from "eslint";
import * as tsParser from "@typescript-eslint/parser";
import plugin from "eslint-plugin-com-async";

const ROOT = path.resolve(__dirname, "../../..");
const FLOOR_RULES: Record<string, string> = { finishWithout: "com-async/finish-without-begin", released: "com-async/use-after-release", leak: "com-async/missing-release", cancelled: "com-async/cancel-without-finish", pending: "com-async/begin-while-pending" };

type Plugin = { rules: Record<string, unknown>; configs: { strict: { rules: Record<string, string> } } };

describe("the floor of target (b)", () => {
  it("finds what com-async finds on two files of the library-heavy corpus; the plain floor reports falsely and misses", async () => {
    const { generateLibraryHeavy } = (await import(pathToFileURL(path.join(ROOT, "bench/generate.mjs")).href)) as { generateLibraryHeavy(o: { files: number }): { name: string; text: string }[] };
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const floorPlus = require(path.join(ROOT, "bench/floor-plus-plugin.cjs")) as Plugin;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const floor = require(path.join(ROOT, "bench/floor-plugin.cjs")) as Plugin;
    const linter = new Linter({ cwd: ROOT });
    const lint = (p: Plugin, file: { name: string; text: string }, rename: (m: Linter.LintMessage) => string) =>
      linter
        .verify(file.text, [{ files: ["**/*.ts"], languageOptions: { parser: tsParser as never }, plugins: { "com-async": p as never }, rules: p.configs.strict.rules as never }], path.join(ROOT, file.name))
        .map((m) => `${rename(m)}@${m.line}:${m.column}`)
        .sort();
    const byRule = new Map<string, number>();
    for (const file of generateLibraryHeavy({ files: 2 })) {
      const engine = lint(plugin as unknown as Plugin, file, (m) => m.ruleId ?? "");
      const yardstick = lint(floorPlus, file, (m) => FLOOR_RULES[m.messageId ?? ""]);
      assert.deepEqual(yardstick, engine, file.name);
      // Without the traps' needs: false missing-release and cancel-without-finish, and no use-after-release.
      const plain = new Set(lint(floor, file, (m) => FLOOR_RULES[m.messageId ?? ""]));
      const wrong = [...plain].filter((f) => !engine.includes(f));
      assert.ok(wrong.some((f) => f.startsWith("com-async/missing-release@")) && wrong.some((f) => f.startsWith("com-async/cancel-without-finish@")), `the plain floor's false reports in ${file.name}`);
      assert.ok(engine.some((f) => f.startsWith("com-async/use-after-release@") && !plain.has(f)), `the plain floor's misses in ${file.name}`);
      for (const f of engine) byRule.set(f.split("@")[0], (byRule.get(f.split("@")[0]) ?? 0) + 1);
    }
    // The corpus exercises the four rules the comparison is about.
    for (const rule of ["com-async/missing-release", "com-async/cancel-without-finish", "com-async/begin-while-pending", "com-async/use-after-release"]) assert.ok((byRule.get(rule) ?? 0) > 0, rule);
  });

  it("checks the corpus's code, not only its findings: bench/floor-corpus-plugin.cjs agrees with com-async on every mutant of 40 declarations; floor-plus does not", async function () {
    this.timeout(60_000);
    const { generateFile } = (await import(pathToFileURL(path.join(ROOT, "bench/generate.mjs")).href)) as { generateFile(index: number, functions: number): string };
    type Agreement = { baseAgree: number; baseTotal: number; agree: number; total: number; disagreements: { where: string; change: string; engine: string; yardstick: string }[] };
    const { mutantAgreement } = (await import(pathToFileURL(path.join(ROOT, "bench/floor-mutants.mjs")).href)) as { mutantAgreement(files: { name: string; text: string }[], floor: Plugin, engine: Plugin): Agreement };
    const files = [{ name: "gen000.ts", text: generateFile(0, 40) }];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const corpusFloor = mutantAgreement(files, require(path.join(ROOT, "bench/floor-corpus-plugin.cjs")) as Plugin, plugin as unknown as Plugin);
    assert.equal(corpusFloor.baseAgree, corpusFloor.baseTotal);
    assert.ok(corpusFloor.total > 300, `${corpusFloor.total} mutants`);
    assert.deepEqual(corpusFloor.disagreements, []);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plusFloor = mutantAgreement(files, require(path.join(ROOT, "bench/floor-plus-plugin.cjs")) as Plugin, plugin as unknown as Plugin);
    assert.equal(plusFloor.baseAgree, plusFloor.baseTotal);
    assert.ok(plusFloor.disagreements.some((d) => d.change.startsWith("deleted `cancel.Release();`") && d.engine.startsWith("missing-release")), "floor-plus misses the leak of an out box's pointer");
  });
});
