/**
 * The shape of a rule's test cases: typescript-eslint's RuleTester cases, plus
 * `mode` for a case that only makes sense with type information ("typed") or
 * without ("untyped"). Kept apart from the tester so that other tests (the
 * suggestion round trip, the oxlint parity test) can import the cases without
 * registering mocha suites.
 */
import type { InvalidTestCase, ValidTestCase } from "@typescript-eslint/rule-tester";

export type Mode = "typed" | "untyped";
export type ValidCase = ValidTestCase<readonly unknown[]> & { mode?: Mode };
export type InvalidCase = InvalidTestCase<string, readonly unknown[]> & { mode?: Mode };

export interface RuleCases {
  valid: ValidCase[];
  invalid: InvalidCase[];
}
