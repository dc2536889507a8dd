/**
 * Wires typescript-eslint's RuleTester to mocha's hooks (it looks for
 * `afterAll`, which mocha calls `after`).
 */
import { RuleTester } from "@typescript-eslint/rule-tester";

RuleTester.afterAll = after;
RuleTester.describe = describe;
RuleTester.it = it;
RuleTester.itOnly = it.only;
