import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/use-after-release";
import { runBothModes } from "./tester";

runBothModes("use-after-release", rules["use-after-release"], cases);
