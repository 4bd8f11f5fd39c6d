// Checks the running Node.js (and npm) against the `engines` field of every
// package that package-lock.json pins, so that a Node.js too old for one of
// them is named here, at install time, instead of surfacing later as that
// library's own error in the middle of a test.
//
//   node scripts/check-node-engines.mjs [package-lock.json] [--npm VERSION]
//
// Exit 0: every package accepts this Node.js. Exit 1: some package does not;
// one line per package on stderr gives its name, its version, the range it
// declares and the version found. Exit 2: the lock file or a range in it
// cannot be read. A range this script cannot parse is an error, never a
// pass: the check fails closed.
import fs from "node:fs";
import { fileURLToPath } from "node:url";

// A version as three integers; missing or wildcard parts are null.
function parsePartial(text) {
  const m = /^v?(\d+|[xX*])?(?:\.(\d+|[xX*]))?(?:\.(\d+|[xX*]))?(?:[-+].*)?$/.exec(text);
  if (!m || m[1] === undefined) throw new Error(`not a version: '${text}'`);
  return [m[1], m[2], m[3]].map((p) => (p === undefined || /^[xX*]$/.test(p) ? null : Number(p)));
}

function compare(a, b) {
  for (let i = 0; i < 3; ++i) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

// The lowest full version strictly above every version that matches the
// partial one: 1.2 -> 1.3.0, 1 -> 2.0.0.
function nextAfter(partial) {
  const [major, minor, patch] = partial;
  if (minor === null) return [major + 1, 0, 0];
  if (patch === null) return [major, minor + 1, 0];
  return [major, minor, patch + 1];
}

const zeroFilled = (p) => p.map((x) => (x === null ? 0 : x));

// One comparator (">=18", "^1.2", "~0.4.1", "1.x", "*") as a list of
// [operator, full version] bounds, all of which must hold.
function comparatorBounds(text) {
  const m = /^(>=|<=|>|<|=|\^|~>?|)\s*(.+)$/.exec(text);
  const op = m[1];
  if (/^[xX*]$/.test(m[2])) return [];
  const p = parsePartial(m[2]);
  const low = zeroFilled(p);
  switch (op) {
    case ">=": return [[">=", low]];
    case ">": return p[2] === null ? [[">=", nextAfter(p)]] : [[">", low]];
    case "<": return [["<", low]];
    case "<=": return p[2] === null ? [["<", nextAfter(p)]] : [["<=", low]];
    case "": case "=": return p[2] === null ? [[">=", low], ["<", nextAfter(p)]] : [["=", low]];
    case "~": case "~>": return [[">=", low], ["<", p[1] === null ? [p[0] + 1, 0, 0] : [p[0], p[1] + 1, 0]]];
    case "^": {
      // The first non-zero part given may not change.
      let upper;
      if (p[0] > 0 || p[1] === null) upper = [p[0] + 1, 0, 0];
      else if (p[1] > 0 || p[2] === null) upper = [0, p[1] + 1, 0];
      else upper = [0, 0, p[2] + 1];
      return [[">=", low], ["<", upper]];
    }
  }
  throw new Error(`unknown operator in '${text}'`);
}

function holds([op, bound], version) {
  const c = compare(version, bound);
  return { ">=": c >= 0, ">": c > 0, "<": c < 0, "<=": c <= 0, "=": c === 0 }[op];
}

// Whether `version` ("18.20.4") lies in the npm range `range` (">=18",
// "^14.17.0 || >=16", "1.2 - 2.x", "*", ""). Throws on a range it cannot read.
export function satisfies(version, range) {
  const v = zeroFilled(parsePartial(version.trim()));
  return range.split("||").some((alternative) => {
    const set = alternative.trim();
    if (set === "" || set === "*") return true;
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(set);
    const comparators = hyphen ? [`>=${hyphen[1]}`, `<=${hyphen[2]}`]
      : set.replace(/(>=|<=|>|<|=|\^|~>?)\s+/g, "$1").split(/\s+/);
    return comparators.flatMap(comparatorBounds).every((b) => holds(b, v));
  });
}

// Every package in the lock (lockfile version 2 or 3) whose engines do not
// accept the given tool versions: [{name, version, tool, range, found}].
export function unmetEngines(lock, found) {
  const unmet = [];
  for (const [key, pkg] of Object.entries(lock.packages || {})) {
    if (key === "" || !pkg.engines || typeof pkg.engines !== "object" || Array.isArray(pkg.engines)) continue;
    const name = pkg.name || key.replace(/^.*node_modules\//, "");
    for (const [tool, range] of Object.entries(pkg.engines)) {
      if (!(tool in found) || typeof range !== "string") continue;
      let ok;
      try {
        ok = satisfies(found[tool], range);
      } catch (e) {
        throw new Error(`${name} ${pkg.version}: engines.${tool} '${range}': ${e.message}`);
      }
      if (!ok) unmet.push({ name, version: pkg.version, tool, range, found: found[tool] });
    }
  }
  return unmet;
}

function main(argv) {
  let lockPath = "package-lock.json";
  const found = { node: process.versions.node };
  for (let i = 0; i < argv.length; ++i) {
    if (argv[i] === "--npm") found.npm = argv[++i];
    else lockPath = argv[i];
  }
  let lock;
  try {
    lock = JSON.parse(fs.readFileSync(lockPath, "utf8"));
  } catch (e) {
    console.error(`check-node-engines: cannot read ${lockPath}: ${e.message}`);
    return 2;
  }
  if (!lock.packages) {
    console.error(`check-node-engines: ${lockPath} has no "packages" (lockfile version 2 or later is needed)`);
    return 2;
  }
  let unmet;
  try {
    unmet = unmetEngines(lock, found);
  } catch (e) {
    console.error(`check-node-engines: ${lockPath}: ${e.message}`);
    return 2;
  }
  const label = { node: "Node.js", npm: "npm" };
  for (const u of unmet) {
    console.error(`check-node-engines: ${u.name} ${u.version} (${lockPath}) needs ${label[u.tool]} ${u.range}, ` +
      `but this machine has ${label[u.tool]} ${u.found}` + (u.tool === "node" ? ` (${process.execPath})` : ""));
  }
  return unmet.length ? 1 : 0;
}

if (process.argv[1] && fs.realpathSync(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = main(process.argv.slice(2));
}
