import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/unchecked-cancel-result";
import { runBothModes } from "./tester";

runBothModes("unchecked-cancel-result", rules["unchecked-cancel-result"], cases);
