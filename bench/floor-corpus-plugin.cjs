"use strict";
/**
 * bench/floor-plus-plugin.cjs with what the corpus's own shapes need when their code changes
 * (`node bench/floor-mutants.mjs` deletes each protocol statement in turn): pointers in out boxes with
 * their `FAILED` tests, and a Begin_ on a cancelled, unfinished call (see bench/floor-plugin.cjs).
 */
module.exports = require("./floor-plugin.cjs").floor({ scopes: true, escapes: true, throws: true, nullTests: true, aliases: true, outBoxes: true, faithful: true });
