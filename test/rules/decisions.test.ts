/** The decisions of PROTOCOL.md section 3a, each valid and invalid, by rule (cases in ./cases/decisions). */
import { rules } from "eslint-plugin-com-async";
import * as decisions from "./cases/decisions";
import { runBothModes } from "./tester";

describe("spec 3a decisions", () => {
  runBothModes("unchecked-query-interface", rules["unchecked-query-interface"], decisions.uncheckedQueryInterface);
  runBothModes("finish-without-begin", rules["finish-without-begin"], decisions.finishWithoutBegin);
  runBothModes("begin-while-pending", rules["begin-while-pending"], decisions.beginWhilePending);
  runBothModes("cancel-without-finish", rules["cancel-without-finish"], decisions.cancelWithoutFinish);
  runBothModes("mismatched-finish", rules["mismatched-finish"], decisions.mismatchedFinish);
  runBothModes("missing-release", rules["missing-release"], decisions.missingRelease);
  runBothModes("use-after-release", rules["use-after-release"], decisions.useAfterRelease);
});
