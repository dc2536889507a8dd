import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/unchecked-query-interface";
import { runBothModes } from "./tester";

runBothModes("unchecked-query-interface", rules["unchecked-query-interface"], cases);
