/** Branches that test one variable again, or a flag set beside a protocol call (cases in ./cases/correlations). */
import { rules } from "eslint-plugin-com-async";
import * as correlations from "./cases/correlations";
import { runBothModes } from "./tester";

describe("correlated branches", () => {
  runBothModes("finish-without-begin", rules["finish-without-begin"], correlations.finishWithoutBegin);
  runBothModes("cancel-without-finish", rules["cancel-without-finish"], correlations.cancelWithoutFinish);
  runBothModes("missing-release", rules["missing-release"], correlations.missingRelease);
  runBothModes("begin-while-pending", rules["begin-while-pending"], correlations.beginWhilePending);
});
