/** Same-file summaries and promise-shaped bindings (cases in ./cases/summaries). */
import { rules } from "eslint-plugin-com-async";
import { missingRelease, cancelWithoutFinish, beginWhilePending } from "./cases/summaries";
import { runBothModes } from "./tester";

runBothModes("missing-release", rules["missing-release"], missingRelease);
runBothModes("cancel-without-finish", rules["cancel-without-finish"], cancelWithoutFinish);
runBothModes("begin-while-pending", rules["begin-while-pending"], beginWhilePending);
