// scripts/check-node-engines.mjs: npm range matching, and the check itself
// run on the project's lock file and on lock files made to fail.
//
//   node --test tests/node/engines_test.mjs
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { satisfies, unmetEngines } from "../../scripts/check-node-engines.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const script = path.join(root, "scripts/check-node-engines.mjs");

test("ranges as npm reads them", () => {
  const cases = [
    ["18.20.4", ">=18", true], ["18.20.4", ">=20", false], ["20.20.2", ">=20", true],
    ["18.20.4", ">= 0.4", true], ["18.20.4", ">=0.10.0", true], ["18.20.4", "", true], ["18.20.4", "*", true],
    ["18.20.4", "^14.17.0 || >=16", true], ["15.0.0", "^14.17.0 || >=16", false], ["14.18.1", "^14.17.0 || >=16", true],
    ["18.20.4", "^18.17.0", true], ["18.16.9", "^18.17.0", false], ["19.0.0", "^18.17.0", false],
    ["0.2.9", "^0.2.3", true], ["0.3.0", "^0.2.3", false], ["0.0.4", "^0.0.3", false],
    ["1.2.9", "~1.2.3", true], ["1.3.0", "~1.2.3", false], ["1.9.0", "~1", true],
    ["18.20.4", "18.x", true], ["19.0.0", "18.x", false], ["18.0.0", "18", true],
    ["18.20.4", ">16 <19", true], ["19.0.0", ">16 <19", false], ["16.5.0", ">16", false], ["17.0.0", ">16", true], ["16.5.0", ">16.5.0", false],
    ["18.20.4", "<=18", true], ["19.0.0", "<=18", false], ["18.20.4", "<=18.20.3", false],
    ["18.20.4", "16 - 18", true], ["19.0.1", "16 - 18", false], ["15.9.9", "16 - 18", false],
    ["v20.1.0", ">=20.0.0-0", true],
  ];
  for (const [version, range, want] of cases) assert.equal(satisfies(version, range), want, `${version} in '${range}'`);
});

test("a range it cannot read is an error, not a pass", () => {
  assert.throws(() => satisfies("18.20.4", ">=eighteen"), /not a version/);
  assert.throws(() => satisfies("18.20.4", "latest"), /not a version/);
  const lock = { packages: { "node_modules/odd": { version: "1.0.0", engines: { node: "newest" } } } };
  assert.throws(() => unmetEngines(lock, { node: "18.20.4" }), /odd 1\.0\.0: engines\.node 'newest'/);
});

test("the project's lock file accepts Debian 12's Node.js 18.20.4 and this Node.js", () => {
  const lock = JSON.parse(fs.readFileSync(path.join(root, "package-lock.json"), "utf8"));
  assert.deepEqual(unmetEngines(lock, { node: "18.20.4" }), []);
  assert.deepEqual(unmetEngines(lock, { node: process.versions.node }), []);
  const out = spawnSync(process.execPath, [script, path.join(root, "package-lock.json")], { encoding: "utf8" });
  assert.equal(out.status, 0, out.stderr);
});

function lockFile(packages) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "engines-"));
  const file = path.join(dir, "package-lock.json");
  fs.writeFileSync(file, JSON.stringify({ lockfileVersion: 3, packages: { "": { name: "x" }, ...packages } }));
  return file;
}

test("a package that needs a newer Node.js is named with both versions, exit 1", () => {
  const file = lockFile({
    "node_modules/playwright-core": { version: "1.65.1", engines: { node: ">=999" } },
    "node_modules/fine": { version: "2.0.0", engines: { node: ">=0.10.0", npm: ">2.7.0" } },
  });
  const out = spawnSync(process.execPath, [script, file], { encoding: "utf8" });
  assert.equal(out.status, 1);
  const lines = out.stderr.trim().split("\n");
  assert.equal(lines.length, 1, out.stderr);
  assert.match(lines[0], /playwright-core 1\.65\.1 .* needs Node\.js >=999, but this machine has Node\.js /);
  assert.ok(lines[0].includes(process.versions.node), lines[0]);
});

test("npm's version is checked when given", () => {
  const file = lockFile({ "node_modules/a": { version: "1.0.0", engines: { npm: ">=10" } } });
  assert.equal(spawnSync(process.execPath, [script, file, "--npm", "10.1.0"]).status, 0);
  const out = spawnSync(process.execPath, [script, file, "--npm", "9.2.0"], { encoding: "utf8" });
  assert.equal(out.status, 1);
  assert.match(out.stderr, /a 1\.0\.0 .* needs npm >=10, but this machine has npm 9\.2\.0/);
});

test("an unreadable lock file or range is exit 2 with the file named", () => {
  const missing = spawnSync(process.execPath, [script, "/nonexistent/package-lock.json"], { encoding: "utf8" });
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /cannot read \/nonexistent\/package-lock\.json/);
  const old = lockFile({});
  fs.writeFileSync(old, JSON.stringify({ lockfileVersion: 1, dependencies: {} }));
  assert.equal(spawnSync(process.execPath, [script, old]).status, 2);
  const bad = lockFile({ "node_modules/b": { version: "1.0.0", engines: { node: ">=x.y.z.w" } } });
  const out = spawnSync(process.execPath, [script, bad], { encoding: "utf8" });
  assert.equal(out.status, 2);
  assert.match(out.stderr, /b 1\.0\.0: engines\.node/);
});
