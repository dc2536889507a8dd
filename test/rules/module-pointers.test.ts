/** Pointers kept in module variables, and pointers handed to vtable methods (cases in ./cases/module-pointers). */
import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/module-pointers";
import { runBothModes } from "./tester";

runBothModes("missing-release", rules["missing-release"], cases);
