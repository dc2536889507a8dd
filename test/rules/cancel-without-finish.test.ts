import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/cancel-without-finish";
import { runBothModes } from "./tester";

runBothModes("cancel-without-finish", rules["cancel-without-finish"], cases);
