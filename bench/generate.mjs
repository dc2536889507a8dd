/**
 * Generators of COM-heavy TypeScript for the benchmark (and seeds for the
 * fuzzer). Everything is deterministic for a given seed.
 *
 * The code is written against the typed binding the rule tests use
 * (test/fixtures/com.d.ts): in untyped mode the names are what the rules
 * recognise; in typed mode that declaration file is part of the program.
 *
 *   node bench/generate.mjs <out-dir> [--files 20] [--functions 100] [--seed 1]
 *   node bench/generate.mjs <out-dir> --scaling 1000 [--variant clean|defects]
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
/** The ambient declarations of the COM binding (typed mode copies it next to the generated files). */
export const COM_DECLARATIONS = path.join(ROOT, "test/fixtures/com.d.ts");

/** A small, fast, seeded PRNG (mulberry32): `next()` in [0, 1), `int(n)` in [0, n), `pick(list)`. */
export function prng(seed) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n), pick: (list) => list[Math.floor(next() * list.length)] };
}

const METHODS = ["GetPrice", "GetVolume"];
const QI = "QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls)";

/**
 * Function templates. Most follow the protocol (as most real code does);
 * a few carry one defect each, so that reports are produced as well.
 * Each takes (name, r) and returns the text of one top-level declaration.
 */
const TEMPLATES = [
  // The documented cancel sequence inside a loop, with try/finally and continue.
  (name, r) => {
    const m = r.pick(METHODS);
    return `export function ${name}(call: AsyncIStockQuote, ready: boolean, symbols: string[]): number {
  let total = 0;
  for (const symbol of symbols) {
    call.Begin_${m}(symbol);
    if (ready) {
      total += call.Finish_${m}();
      continue;
    }
    const cancel = call.${QI};
    try {
      cancel.Cancel(${r.int(100)});
    } finally {
      cancel.Release();
    }
    try {
      total += call.Finish_${m}();
    } catch (e) {
      log("cancelled", e);
    }
  }
  return total;
}
`;
  },
  // Raw HRESULT shape with an out box, FAILED checks and a while loop with break.
  (name, r) => {
    const m = r.pick(METHODS);
    return `export function ${name}(call: AsyncIStockQuote, limit: number): number {
  const out: [IUnknown | null] = [null];
  const hr = call.QueryInterface(IID_ICancelMethodCalls, out);
  if (FAILED(hr)) {
    return hr;
  }
  const cancel = out[0] as ICancelMethodCalls;
  call.Begin_${m}("${name}");
  let i = 0;
  while (i < limit) {
    if (i % ${2 + r.int(5)} === 0) break;
    i++;
  }
  if (i > ${r.int(50)}) {
    cancel.Cancel(0);
  }
  cancel.Release();
  const value = call.Finish_${m}();
  return value + i;
}
`;
  },
  // A call object from CreateCall, released in finally; switch with fall-through.
  (name, r) => {
    const m = r.pick(METHODS);
    return `export function ${name}(factory: ICallFactory, symbols: string[]): void {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  try {
    for (let k = 0; k < symbols.length; k++) {
      call.Begin_${m}(symbols[k]);
      switch (k % 3) {
        case 0:
          log(call.Finish_${m}());
          break;
        case 1:
          log("slow", symbols[k]);
        // falls through
        default: {
          const cancel = call.${QI};
          cancel.Cancel(${r.int(10)});
          cancel.Release();
          log(call.Finish_${m}());
        }
      }
    }
  } finally {
    call.Release();
  }
}
`;
  },
  // Nullable binding, optional chaining, do-while, labeled continue.
  (name, r) => `export function ${name}(source: NullableQuery, rows: number[][]): number {
  const cancel = source.QueryInterface<ICancelMethodCalls>(IID_ICancelMethodCalls);
  if (!cancel) return -1;
  let n = 0;
  outer: for (const row of rows) {
    let j = 0;
    do {
      if (row[j] === ${r.int(9)}) continue outer;
      n += row[j] ?? 0;
      j++;
    } while (j < row.length);
  }
  cancel.Cancel(n);
  cancel.Release();
  return n;
}
`,
  // Fire-and-forget: Begin_ then Release with no Finish_ (correct, never reported).
  (name, r) => `export function ${name}(factory: ICallFactory, symbol: string): void {
  const call = factory.CreateCall<AsyncIStockQuote>(IID_AsyncIStockQuote, null);
  call.Begin_${r.pick(METHODS)}(symbol);
  call.Release();
}
`,
  // A class whose methods share a call object through a field.
  (name, r) => {
    const m = r.pick(METHODS);
    return `export class ${name[0].toUpperCase()}${name.slice(1)} {
  private pending = false;
  constructor(private readonly call: AsyncIStockQuote) {}
  start(symbol: string): void {
    if (this.pending) return;
    this.call.Begin_${m}(symbol);
    this.pending = true;
  }
  stop(): number {
    if (!this.pending) return 0;
    const cancel = this.call.${QI};
    try {
      cancel.Cancel(0);
    } finally {
      cancel.Release();
    }
    this.pending = false;
    return this.call.Finish_${m}();
  }
  poll = (): boolean => this.pending && ${r.int(2) === 0 ? "true" : "false"};
}
`;
  },
  // Closures: an arrow callback per element, an IIFE that is analysed in place.
  (name, r) => `export function ${name}(calls: AsyncIStockQuote[], timeout: number): number[] {
  return calls.map((call, index) => {
    call.Begin_GetPrice(String(index));
    const price = (() => {
      if (index % ${2 + r.int(3)} !== 0) return call.Finish_GetPrice();
      const cancel = call.${QI};
      cancel.Cancel(timeout);
      cancel.Release();
      const result = call.Finish_GetPrice();
      return result;
    })();
    return price * 2;
  });
}
`,
  // Unrelated APIs with the same method names: never COM.
  (name, r) => `export function ${name}(job: Job, scheduler: Scheduler, delay: number): void {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), delay + ${r.int(1000)});
  scheduler.Begin_Work();
  try {
    if (delay > 10) job.Cancel();
  } finally {
    scheduler.End_Work();
    clearTimeout(timer);
  }
}
`,
  // Defect: cancel without finish on the early-return path.
  (name, r) => `export function ${name}(call: AsyncIStockQuote, abort: boolean): number {
  call.Begin_GetVolume("${name}");
  const cancel = call.${QI};
  cancel.Cancel(${r.int(10)});
  cancel.Release();
  if (abort) {
    return -1;
  }
  return call.Finish_GetVolume();
}
`,
  // Defect: a leak on one branch and a begin while pending in a loop.
  (name, r) => `export function ${name}(call: AsyncIStockQuote, symbols: string[]): void {
  const cancel = call.${QI};
  if (symbols.length === ${r.int(4)}) {
    return;
  }
  call.Begin_GetPrice(symbols[0]);
  for (const symbol of symbols) {
    if (symbol.length > 3) {
      call.Begin_GetPrice(symbol);
    }
  }
  call.Finish_GetPrice();
  cancel.Release();
}
`,
  // Defect: use after release through an alias.
  (name, r) => `export function ${name}(call: AsyncIStockQuote, n: number): void {
  const cancel = call.${QI};
  const alias = cancel;
  for (let i = 0; i < n; i++) {
    if (i === ${r.int(7)}) {
      alias.Release();
      break;
    }
  }
  cancel.Cancel(0);
}
`,
];

/** Ordinary library code between the COM functions (roughly a third of the lines). */
function plainFunction(name, r) {
  const k = 2 + r.int(6);
  return `export function ${name}(values: number[], key: string): { sum: number; tag: string } {
  let sum = 0;
  for (let i = 0; i < values.length; i += ${k}) {
    const v = values[i];
    if (v > ${r.int(100)}) sum += v;
    else if (v < 0) sum -= v;
  }
  const tag = key.length > ${k} ? key.slice(0, ${k}) : key.padEnd(${k}, "_");
  return { sum, tag };
}
`;
}

/** One generated source file with `functions` COM-using declarations (and some plain ones). */
export function generateFile(fileIndex, functions, seed = 1) {
  const r = prng(seed * 7919 + fileIndex);
  const parts = [`// Generated by bench/generate.mjs (file ${fileIndex}, seed ${seed}). Do not edit.\n`];
  for (let i = 0; i < functions; i++) {
    const name = `f${fileIndex}_${i}`;
    parts.push(r.pick(TEMPLATES)(name, r));
    if (i % 2 === 0) parts.push(plainFunction(`plain${fileIndex}_${i}`, r));
  }
  return parts.join("\n");
}

/**
 * A real code base's COM client code: its TypeScript files (not declarations, not node_modules) that name a
 * Release, in path order (`bench/cost.mjs --corpus`, `bench/lint-once.mjs`).
 */
export function comFilesUnder(dir) {
  const files = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory() && entry.name !== "node_modules" && !entry.name.startsWith(".")) walk(full);
      else if (entry.isFile() && /\.ts$/.test(entry.name) && !entry.name.endsWith(".d.ts") && /Release/.test(fs.readFileSync(full, "utf8"))) files.push(full);
    }
  };
  walk(path.resolve(dir));
  return files;
}

/** The library-heavy corpus: `files` files of `functions` COM functions each. */
export function generateLibraryHeavy({ files = 20, functions = 100, seed = 1 } = {}) {
  return Array.from({ length: files }, (_, i) => ({ name: `gen${String(i).padStart(3, "0")}.ts`, text: generateFile(i, functions, seed) }));
}

/** Each function template once, as standalone snippets (fuzzer seeds). */
export function templateSnippets(seed = 1) {
  const r = prng(seed);
  return TEMPLATES.map((template, i) => template(`snippet${i}`, r));
}

/**
 * One function of N statements, each an `if` whose branches touch the API,
 * over four call objects (statement i uses call object (i >> 2) % 4).
 *
 * "clean": every branch follows the protocol (Begin_/Finish_ pairs, the
 * documented Cancel sequence, QueryInterface/Release, try/finally).
 * "defects": branches leave calls pending or finish the other method, so
 * paths disagree: begin-while-pending and mismatched-finish on some joins,
 * Cancel while one of several calls may be pending.
 */
export function generateScaling(n, variant = "clean") {
  const lines = [
    `// Generated by bench/generate.mjs --scaling ${n} --variant ${variant}. Do not edit.`,
    `export function big(c0: AsyncIStockQuote, c1: AsyncIStockQuote, c2: AsyncIStockQuote, c3: AsyncIStockQuote, flags: boolean[]): void {`,
  ];
  for (let i = 0; i < n; i++) {
    const c = `c${(i >> 2) % 4}`;
    const q = `q${i}`;
    if (variant === "clean") {
      switch (i % 4) {
        case 0:
          lines.push(`  if (flags[${i}]) { ${c}.Begin_GetPrice("s${i}"); log(${c}.Finish_GetPrice()); } else { ${c}.Begin_GetVolume("s${i}"); log(${c}.Finish_GetVolume()); }`);
          break;
        case 1:
          lines.push(`  if (flags[${i}]) { const ${q} = ${c}.${QI}; ${q}.Cancel(${i}); ${q}.Release(); }`);
          break;
        case 2:
          lines.push(`  if (flags[${i}]) { ${c}.Begin_GetVolume("s${i}"); const ${q} = ${c}.${QI}; try { ${q}.Cancel(0); } finally { ${q}.Release(); } log(${c}.Finish_GetVolume()); }`);
          break;
        default:
          lines.push(`  if (flags[${i}]) { ${c}.Begin_GetPrice("t${i}"); try { log("${i}"); } finally { log(${c}.Finish_GetPrice()); } }`);
      }
    } else {
      switch (i % 4) {
        case 0:
          lines.push(`  if (flags[${i}]) { ${c}.Begin_GetPrice("s${i}"); } else { ${c}.Begin_GetVolume("s${i}"); }`);
          break;
        case 1:
          lines.push(`  if (flags[${i}]) { const ${q} = ${c}.${QI}; ${q}.Cancel(${i}); ${q}.Release(); }`);
          break;
        case 2:
          lines.push(`  if (flags[${i}]) { log(${c}.Finish_GetPrice()); } else { log(${c}.Finish_GetVolume()); }`);
          break;
        default:
          lines.push(`  if (flags[${i}]) { try { ${c}.Begin_GetVolume("t${i}"); } finally { log(${c}.Finish_GetVolume()); } }`);
      }
    }
  }
  lines.push("}", "");
  return lines.join("\n");
}

/** A tsconfig for typed mode over a directory of generated files plus the binding declarations. */
export const TYPED_TSCONFIG = {
  compilerOptions: {
    target: "ES2022",
    module: "esnext",
    moduleResolution: "bundler",
    lib: ["ES2023", "DOM", "esnext.disposable"],
    strict: true,
    noEmit: true,
    skipLibCheck: true,
  },
  include: ["*.ts"],
};

/** Writes files (and com.d.ts + tsconfig.json for typed mode) into `dir`; returns the .ts paths written. */
export function writeCorpus(dir, files) {
  fs.mkdirSync(dir, { recursive: true });
  fs.copyFileSync(COM_DECLARATIONS, path.join(dir, "com.d.ts"));
  fs.writeFileSync(path.join(dir, "tsconfig.json"), JSON.stringify(TYPED_TSCONFIG, null, 2));
  return files.map(({ name, text }) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const option = (flag, fallback) => {
    const i = args.indexOf(flag);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const out = args[0];
  if (!out || out.startsWith("--")) {
    console.error("usage: node bench/generate.mjs <out-dir> [--files N] [--functions N] [--seed N] | [--scaling N [--variant clean|defects]]");
    process.exit(2);
  }
  const scaling = option("--scaling", 0);
  const files = scaling
    ? [{ name: `scaling-${scaling}.ts`, text: generateScaling(scaling, args.includes("--variant") ? args[args.indexOf("--variant") + 1] : "clean") }]
    : generateLibraryHeavy({ files: option("--files", 20), functions: option("--functions", 100), seed: option("--seed", 1) });
  const written = writeCorpus(out, files);
  console.log(`${written.length} file(s) written to ${out}`);
}
