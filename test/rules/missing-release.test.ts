import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/missing-release";
import { runBothModes } from "./tester";

runBothModes("missing-release", rules["missing-release"], cases);
