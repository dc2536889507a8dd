import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/finish-without-begin";
import { runBothModes } from "./tester";

runBothModes("finish-without-begin", rules["finish-without-begin"], cases);
