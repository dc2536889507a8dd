/** Table-driven engine tests: each snippet is linted with every rule, and its findings (`line:kind`) compared. */
import * as assert from "node:assert/strict";
import { lint } from "./lint";

export interface FindingCase {
  name: string;
  code: string;
  /** `line:kind` of every finding, in source order. */
  findings: string[];
  /** The engine does not meet this yet (described in the test's name); registered as pending. */
  pending?: boolean;
}

export function runFindingCases(cases: FindingCase[]): void {
  for (const c of cases) {
    (c.pending ? it.skip : it)(c.name, () => {
      assert.deepEqual(lint(c.code).findings, c.findings, c.code);
    });
  }
}

/** The two acquisition shapes the snippets start with. */
export const QI = "const cancel = call.QueryInterface(IID_ICancelMethodCalls);";
export const RAW_QI = "const out = [null];\n  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);";
