/** The value after `name` on a command line (`--files 4`), or `fallback` when it is not given. */
export function optionValue(argv, name, fallback) {
  const i = argv.indexOf(name);
  return i >= 0 && i + 1 < argv.length ? argv[i + 1] : fallback;
}
