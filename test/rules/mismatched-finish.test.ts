import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/mismatched-finish";
import { runBothModes } from "./tester";

runBothModes("mismatched-finish", rules["mismatched-finish"], cases);
