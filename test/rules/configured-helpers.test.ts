/** Options for helpers without source: qualified names, out boxes, throwing acquires, QueryInterface argument positions (cases in ./cases/configured-helpers). */
import { rules } from "eslint-plugin-com-async";
import { missingRelease, uncheckedQueryInterface } from "./cases/configured-helpers";
import { runBothModes } from "./tester";

runBothModes("missing-release", rules["missing-release"], missingRelease);
runBothModes("unchecked-query-interface", rules["unchecked-query-interface"], uncheckedQueryInterface);
