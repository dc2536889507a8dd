/** The naming options of PROTOCOL.md section 2 that had no rule case, each valid and invalid, by rule (cases in ./cases/naming-options). */
import { rules } from "eslint-plugin-com-async";
import * as namingOptions from "./cases/naming-options";
import { runBothModes } from "./tester";

describe("spec 2 naming options", () => {
  runBothModes("cancel-without-finish", rules["cancel-without-finish"], namingOptions.cancelWithoutFinish);
  runBothModes("finish-without-begin", rules["finish-without-begin"], namingOptions.finishWithoutBegin);
  runBothModes("missing-release", rules["missing-release"], namingOptions.missingRelease);
  runBothModes("unchecked-query-interface", rules["unchecked-query-interface"], namingOptions.uncheckedQueryInterface);
});
