/**
 * Every rule test case, by the rule it runs under: the single list that tests
 * other than the rule tests themselves iterate (suggestion round trip, oxlint
 * parity), so that none of them depends on which test files mocha loaded.
 */
import type { rules } from "eslint-plugin-com-async";
import { cases as beginWhilePending } from "./begin-while-pending";
import { cases as cancelWithoutFinish } from "./cancel-without-finish";
import { cases as closureCaptures } from "./closure-captures";
import { cases as helperUses } from "./helper-uses";
import * as configuredHelpers from "./configured-helpers";
import * as correlations from "./correlations";
import * as decisions from "./decisions";
import { cases as finishWithoutBegin } from "./finish-without-begin";
import { cases as mismatchedFinish } from "./mismatched-finish";
import * as namingOptions from "./naming-options";
import { cases as linkedTables } from "./linked-tables";
import { cases as missingRelease } from "./missing-release";
import { cases as modulePointers } from "./module-pointers";
import { cases as outBoxReads } from "./out-box-reads";
import { cases as denoPointers } from "./deno-pointers";
import { cases as boxIdioms } from "./box-idioms";
import { cases as boxNames } from "./box-names";
import { cases as releasedResults } from "./released-results";
import { cases as boxReleaseHelpers } from "./box-release-helpers";
import { cases as nativeResults } from "./native-results";
import * as koffiStructs from "./koffi-structs";
import { cases as koffiLookups } from "./koffi-lookups";
import { cases as functionTables } from "./function-tables";
import { cases as boundMethods } from "./bound-methods";
import { cases as ffiUses } from "./ffi-uses";
import * as reviewRegressions from "./review-regressions";
import * as releaseHelpers from "./release-helpers";
import { cases as pools } from "./pools";
import { cases as objectFields } from "./object-fields";
import * as summaries from "./summaries";
import type { RuleCases } from "./types";
import { cases as uncheckedCancelResult } from "./unchecked-cancel-result";
import { cases as uncheckedQueryInterface } from "./unchecked-query-interface";
import { cases as useAfterRelease } from "./use-after-release";

export type RuleName = keyof typeof rules;

export interface CaseSuite {
  /** The case module, for messages: `test/rules/cases/<source>.ts`. */
  source: string;
  rule: RuleName;
  cases: RuleCases;
}

export const caseSuites: readonly CaseSuite[] = [
  { source: "begin-while-pending", rule: "begin-while-pending", cases: beginWhilePending },
  { source: "cancel-without-finish", rule: "cancel-without-finish", cases: cancelWithoutFinish },
  { source: "finish-without-begin", rule: "finish-without-begin", cases: finishWithoutBegin },
  { source: "mismatched-finish", rule: "mismatched-finish", cases: mismatchedFinish },
  { source: "missing-release", rule: "missing-release", cases: missingRelease },
  { source: "unchecked-cancel-result", rule: "unchecked-cancel-result", cases: uncheckedCancelResult },
  { source: "unchecked-query-interface", rule: "unchecked-query-interface", cases: uncheckedQueryInterface },
  { source: "use-after-release", rule: "use-after-release", cases: useAfterRelease },
  { source: "module-pointers", rule: "missing-release", cases: modulePointers },
  { source: "out-box-reads", rule: "missing-release", cases: outBoxReads },
  { source: "deno-pointers", rule: "missing-release", cases: denoPointers },
  { source: "box-idioms", rule: "missing-release", cases: boxIdioms },
  { source: "box-names", rule: "missing-release", cases: boxNames },
  { source: "released-results", rule: "missing-release", cases: releasedResults },
  { source: "box-release-helpers", rule: "missing-release", cases: boxReleaseHelpers },
  { source: "native-results", rule: "missing-release", cases: nativeResults },
  { source: "koffi-structs", rule: "missing-release", cases: koffiStructs.missingRelease },
  { source: "koffi-lookups", rule: "missing-release", cases: koffiLookups },
  { source: "function-tables", rule: "missing-release", cases: functionTables },
  { source: "bound-methods", rule: "missing-release", cases: boundMethods },
  { source: "ffi-uses", rule: "missing-release", cases: ffiUses },
  { source: "review-regressions", rule: "missing-release", cases: reviewRegressions.cases },
  { source: "review-regressions", rule: "use-after-release", cases: reviewRegressions.useAfterRelease },
  { source: "release-helpers", rule: "missing-release", cases: releaseHelpers.cases },
  { source: "release-helpers", rule: "use-after-release", cases: releaseHelpers.useAfterRelease },
  { source: "koffi-structs", rule: "use-after-release", cases: koffiStructs.useAfterRelease },
  { source: "pools", rule: "missing-release", cases: pools },
  { source: "object-fields", rule: "missing-release", cases: objectFields },
  { source: "linked-tables", rule: "missing-release", cases: linkedTables },
  { source: "closure-captures", rule: "missing-release", cases: closureCaptures },
  { source: "helper-uses", rule: "missing-release", cases: helperUses },
  { source: "configured-helpers", rule: "missing-release", cases: configuredHelpers.missingRelease },
  { source: "configured-helpers", rule: "unchecked-query-interface", cases: configuredHelpers.uncheckedQueryInterface },
  { source: "summaries", rule: "missing-release", cases: summaries.missingRelease },
  { source: "summaries", rule: "cancel-without-finish", cases: summaries.cancelWithoutFinish },
  { source: "summaries", rule: "begin-while-pending", cases: summaries.beginWhilePending },
  { source: "decisions", rule: "unchecked-query-interface", cases: decisions.uncheckedQueryInterface },
  { source: "decisions", rule: "finish-without-begin", cases: decisions.finishWithoutBegin },
  { source: "decisions", rule: "begin-while-pending", cases: decisions.beginWhilePending },
  { source: "decisions", rule: "cancel-without-finish", cases: decisions.cancelWithoutFinish },
  { source: "decisions", rule: "mismatched-finish", cases: decisions.mismatchedFinish },
  { source: "decisions", rule: "missing-release", cases: decisions.missingRelease },
  { source: "decisions", rule: "use-after-release", cases: decisions.useAfterRelease },
  { source: "correlations", rule: "finish-without-begin", cases: correlations.finishWithoutBegin },
  { source: "correlations", rule: "cancel-without-finish", cases: correlations.cancelWithoutFinish },
  { source: "correlations", rule: "missing-release", cases: correlations.missingRelease },
  { source: "correlations", rule: "begin-while-pending", cases: correlations.beginWhilePending },
  { source: "naming-options", rule: "cancel-without-finish", cases: namingOptions.cancelWithoutFinish },
  { source: "naming-options", rule: "finish-without-begin", cases: namingOptions.finishWithoutBegin },
  { source: "naming-options", rule: "missing-release", cases: namingOptions.missingRelease },
  { source: "naming-options", rule: "unchecked-query-interface", cases: namingOptions.uncheckedQueryInterface },
];
