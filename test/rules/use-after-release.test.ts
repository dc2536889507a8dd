import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/use-after-release";
import { useAfterRelease as koffiStructs } from "./cases/koffi-structs";
import { useAfterRelease as reviewRegressions } from "./cases/review-regressions";
import { useAfterRelease as releaseHelpers } from "./cases/release-helpers";
import { runBothModes } from "./tester";

runBothModes("use-after-release", rules["use-after-release"], cases);
runBothModes("use-after-release", rules["use-after-release"], koffiStructs);
runBothModes("use-after-release", rules["use-after-release"], reviewRegressions);
runBothModes("use-after-release", rules["use-after-release"], releaseHelpers);
