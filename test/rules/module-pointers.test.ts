/** Pointers kept in module variables, pointers handed to vtable methods, and out-box reads, objects that own pointers (cases in ./cases/module-pointers, ./cases/out-box-reads, ./cases/object-fields). */
import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/module-pointers";
import { cases as outBoxReads } from "./cases/out-box-reads";
import { cases as objectFields } from "./cases/object-fields";
import { runBothModes } from "./tester";

runBothModes("missing-release", rules["missing-release"], cases);
runBothModes("missing-release", rules["missing-release"], outBoxReads);
runBothModes("missing-release", rules["missing-release"], objectFields);
