"use strict";
/** bench/floor-plugin.cjs with what the spec's traps and rules need switched on: scopes, escapes, throws, null tests, aliases (see there). */
module.exports = require("./floor-plugin.cjs").floor({ scopes: true, escapes: true, throws: true, nullTests: true, aliases: true });
