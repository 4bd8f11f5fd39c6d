// The web page end to end in headless Chromium (Debian's, driven by npm
// playwright-core): paste a spun paragraph, see the phrases highlighted,
// read a suggestion, copy the restored text.
//
//   node tests/browser/page_test.mjs build/unspin build/model
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import { createRequire } from "node:module";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const require = createRequire(path.join(root, "package.json"));
const { chromium } = require("playwright-core");

const [unspin = "build/unspin", model = "build/model"] = process.argv.slice(2);
const SPUN = "The talks were held in Cairo, in accordance with the Related Press information company. " +
  "The most recent spherical of talks left principally ladies and youngsters without meals to outlive.";

// A small trace index of the State of the Union excerpts, and a spun copy
// of one of them to find.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "unspin-page-"));
const sources = path.join(root, "tests/data/sotu_excerpts.jsonl");
execFileSync(unspin, ["index", "add", "--model", model, "--index", path.join(work, "idx"), sources], { stdio: "ignore" });
const source = JSON.parse(fs.readFileSync(sources, "utf8").split("\n")[3]);
const spunCopy = execFileSync(unspin, ["spin", "--model", model, "--rate", "0.3", "--seed", "5", "-"],
  { input: source.text }).toString();

function startServer() {
  const proc = spawn(unspin, ["serve", "--port", "0", "--model", model, "--index", path.join(work, "idx")],
    { stdio: ["ignore", "ignore", "pipe"] });
  return new Promise((resolve, reject) => {
    let err = "";
    proc.stderr.on("data", (d) => {
      err += d;
      const m = err.match(/listening on (http:\/\/127\.0\.0\.1:\d+\/)/);
      if (m) resolve({ proc, url: m[1] });
    });
    proc.on("exit", (code) => reject(new Error(`serve exited with ${code}: ${err}`)));
  });
}

const { proc, url } = await startServer();
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu"] });
let failed = false;
try {
  const context = await browser.newContext();
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: url.replace(/\/$/, "") });
  const page = await context.newPage();
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(url);

  // Nothing pasted: the page says so and asks nothing of the server.
  await page.click("#check");
  assert.match(await page.textContent("#error"), /Paste some text first/);

  await page.fill("#input", SPUN);
  await page.click("#check");
  await page.waitForSelector("mark.span", { timeout: 30000 });
  assert.match(await page.textContent("#verdict"), /^Spun: P\(spun\) = (0\.9\d\d|1\.000)$/);
  const marks = page.locator("mark.span");
  const count = await marks.count();
  assert.ok(count >= 4, `expected several highlights, saw ${count}`);
  // The page shows the text as it was pasted, phrases marked in place.
  assert.equal(await page.textContent("#marked"), SPUN);
  const texts = await marks.allTextContents();
  assert.ok(texts.includes("ladies"), texts.join(" | "));

  // Hover: the original appears in the suggestion line and the tooltip.
  const mark = marks.filter({ hasText: "ladies" });
  await mark.hover();
  const suggestion = await page.textContent("#suggestion");
  assert.match(suggestion, /\u201cladies\u201d was probably \u201cwomen\u201d \(confidence \d+ %\)/);
  assert.match(await mark.getAttribute("title"), /^original: women \(confidence \d+ %\)$/);
  // Click works too, on another phrase.
  await marks.nth(count - 1).click();
  assert.match(await page.textContent("#suggestion"), /was probably/);
  // ...and lists the phrase's three likeliest originals (POST /v1/suggest).
  await page.waitForSelector("#suggestion .top-three");
  assert.match(await page.textContent("#suggestion .top-three"), /^Likely originals: \u201c[^\u201d]+\u201d \d+ % \(\w+\)/);

  // The restored text, and the button that copies it.
  const restored = await page.inputValue("#restored");
  assert.match(restored, /the Associated Press/);
  await page.click("#copy");
  await page.waitForFunction(() => document.getElementById("copy-status").textContent === "Copied.");
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), restored);

  // A quoted mention of a listed tortured phrase is shown as quoted, and
  // the restored text keeps it as written.
  const QUOTED = 'Screeners found the phrase "counterfeit consciousness" in many papers about computers.';
  await page.fill("#input", QUOTED);
  await page.click("#check");
  await page.waitForSelector("mark.span.quoted", { timeout: 30000 });
  const quoted = page.locator("mark.span.quoted");
  assert.equal(await quoted.textContent(), "counterfeit consciousness");
  assert.match(await quoted.getAttribute("title"), /^quoted; stands for: artificial intelligence \(confidence \d+ %\)$/);
  await quoted.hover();
  assert.match(await page.textContent("#suggestion"),
               /\u201ccounterfeit consciousness\u201d is quoted; it stands for \u201cartificial intelligence\u201d/);
  assert.equal(await page.inputValue("#restored"), QUOTED);

  // A server error is shown, not swallowed: invalid input as the API sees it.
  await page.fill("#input", "a\u0000b");
  await page.click("#check");
  await page.waitForFunction(() => document.getElementById("error").textContent.length > 0);
  assert.match(await page.textContent("#error"), /Could not check the text: .*NUL/);

  // With an index, "Find the source" names the document the copy came from.
  assert.equal(await page.isVisible("#trace"), true);
  await page.fill("#input", spunCopy);
  await page.click("#trace");
  await page.waitForSelector("#matches table");
  const firstMatch = await page.textContent("#matches tr:nth-child(2) td:first-child");
  assert.equal(firstMatch, source.id);

  assert.deepEqual(pageErrors, []);
  console.log(`ok: ${count} phrases highlighted, suggestion "${suggestion}", restored text copied, source ${firstMatch} found`);
} catch (e) {
  failed = true;
  console.error(e);
} finally {
  await browser.close();
  proc.kill("SIGTERM");
  fs.rmSync(work, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
