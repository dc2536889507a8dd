/**
 * oxlint as a host: every rule test case and every example, linted by ESLint
 * and by oxlint (the plugin from eslint-plugin/dist as a JS plugin), must give
 * the same findings: rule, start and end position, message. Cases marked
 * `mode: "typed"` are left out: oxlint gives JS plugins no type information
 * (`sourceCode.parserServices` is an empty object), so they run untyped, and a
 * typed case's expectations do not hold there by design.
 */
import * as assert from "node:assert/strict";
import plugin from "eslint-plugin-com-async";
import { caseSuites } from "../rules/cases";
import { exampleJobs, lintWithEslint, lintWithOxlint } from "./hosts";
import type { Finding, Job, Rules } from "./hosts";

const STRICT = plugin.configs.strict.rules as Rules;

interface ParityCase {
  title: string;
  job: Job;
  /** Errors the rule test expects (untyped mode), so that a silent host cannot pass. */
  expectedErrors?: number;
}

function parityCases(): { suite: string; cases: ParityCase[] }[] {
  const suites = caseSuites.map(({ source, rule, cases }) => {
    const untyped = <T extends { mode?: string }>(list: T[]) => list.filter((c) => c.mode !== "typed");
    // A case's options go to both hosts: oxlint passes a JS plugin's rule options as ESLint does.
    const job = (kind: string, i: number, c: { code: string; options?: readonly unknown[] }): Job => {
      const rules: Rules = { [`com-async/${rule}`]: c.options && c.options.length > 0 ? ["error", ...c.options] : "error" };
      return { key: `${source}/${rule}/${kind}/${i}`, text: c.code, extension: ".ts", rules };
    };
    return {
      suite: `${rule} (test/rules/cases/${source}.ts)`,
      cases: [
        ...untyped(cases.valid).map((c, i) => ({ title: `valid: ${c.name}`, job: job("valid", i, c), expectedErrors: 0 })),
        ...untyped(cases.invalid).map((c, i) => ({ title: `invalid: ${c.name}`, job: job("invalid", i, c), expectedErrors: c.errors.length })),
      ],
    };
  });
  // oxlint's JSON reporter counts UTF-8 bytes; ESLint counts UTF-16 code units.
  const wide = `// héllo ✓ 😀\nfunction f(call: any) {\n  const cancel = call.QueryInterface(IID_ICancelMethodCalls);\n  cancel.Release(); /* ✓😀 */ cancel.Cancel(0);\n}\n`;
  const positions = { title: "non-ASCII text before a finding", job: { key: "positions/non-ascii", text: wide, extension: ".ts", rules: STRICT }, expectedErrors: 1 };
  const examples = exampleJobs(STRICT).map((job) => ({ title: job.key, job }));
  return [...suites, { suite: "positions", cases: [positions] }, { suite: "examples/ (configs.strict)", cases: examples }];
}

const show = (findings: readonly Finding[]) => findings.map((f) => `${f.line}:${f.column}-${f.endLine}:${f.endColumn} ${f.rule} ${f.message}`);

describe("oxlint parity", function () {
  // One oxlint process for every case: loading the plugin once dominates.
  this.timeout(120_000);
  const suites = parityCases();
  let oxlint: Map<string, Finding[]>;

  before(() => {
    oxlint = lintWithOxlint(suites.flatMap((s) => s.cases.map((c) => c.job)));
  });

  for (const { suite, cases } of suites) {
    describe(suite, () => {
      for (const { title, job, expectedErrors } of cases) {
        it(`${title}: oxlint reports what ESLint reports`, () => {
          const eslint = lintWithEslint(job);
          if (expectedErrors !== undefined) assert.equal(eslint.length, expectedErrors, `ESLint itself disagrees with the test case:\n${show(eslint).join("\n")}`);
          assert.deepEqual(show(oxlint.get(job.key)!), show(eslint));
        });
      }
    });
  }

  it("covers every untyped case and finds problems in every example", () => {
    const untyped = caseSuites.reduce((n, s) => n + [...s.cases.valid, ...s.cases.invalid].filter((c) => c.mode !== "typed").length, 0);
    assert.equal(suites.slice(0, caseSuites.length).reduce((n, s) => n + s.cases.length, 0), untyped);
    for (const { job } of suites[suites.length - 1].cases) assert.ok(oxlint.get(job.key)!.length > 0, `${job.key}: no finding under oxlint`);
  });
});
