/** Pointers kept in module variables, pointers handed to vtable methods, and out-box reads, collections of COM objects, objects that own pointers, tables linked from a vtable, closures capturing pointers (cases in ./cases/module-pointers, ./cases/out-box-reads, ./cases/deno-pointers, ./cases/box-idioms, ./cases/koffi-structs, ./cases/koffi-lookups, ./cases/ffi-uses, ./cases/release-helpers, ./cases/pools, ./cases/object-fields, ./cases/linked-tables, ./cases/closure-captures). */
import { rules } from "eslint-plugin-com-async";
import { cases } from "./cases/module-pointers";
import { cases as outBoxReads } from "./cases/out-box-reads";
import { cases as denoPointers } from "./cases/deno-pointers";
import { cases as boxIdioms } from "./cases/box-idioms";
import { missingRelease as koffiStructs } from "./cases/koffi-structs";
import { cases as koffiLookups } from "./cases/koffi-lookups";
import { cases as ffiUses } from "./cases/ffi-uses";
import { cases as releaseHelpers } from "./cases/release-helpers";
import { cases as pools } from "./cases/pools";
import { cases as objectFields } from "./cases/object-fields";
import { cases as linkedTables } from "./cases/linked-tables";
import { cases as closureCaptures } from "./cases/closure-captures";
import { runBothModes } from "./tester";

runBothModes("missing-release", rules["missing-release"], cases);
runBothModes("missing-release", rules["missing-release"], outBoxReads);
runBothModes("missing-release", rules["missing-release"], denoPointers);
runBothModes("missing-release", rules["missing-release"], boxIdioms);
runBothModes("missing-release", rules["missing-release"], koffiStructs);
runBothModes("missing-release", rules["missing-release"], koffiLookups);
runBothModes("missing-release", rules["missing-release"], ffiUses);
runBothModes("missing-release", rules["missing-release"], releaseHelpers);
runBothModes("missing-release", rules["missing-release"], pools);
runBothModes("missing-release", rules["missing-release"], objectFields);
runBothModes("missing-release", rules["missing-release"], linkedTables);
runBothModes("missing-release", rules["missing-release"], closureCaptures);
