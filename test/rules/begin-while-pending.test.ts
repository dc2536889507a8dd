import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/begin-while-pending";
import { runBothModes } from "./tester";

runBothModes("begin-while-pending", rules["begin-while-pending"], cases);
