// Opens a churn HTML report in headless Chromium with every request refused, and checks what a
// reader gets: no console error, no request, every chart drawn (pixel statistics of its own
// screenshot), dark mode, print widths (A4 and Letter), table sorting; then validates the page
// with the Nu Html Checker. Prints a JSON summary; exits 1 with the failures listed.
//
//   node check.mjs REPORT.html OUT_DIR [--screenshot FILE.png]
import { chromium } from "playwright-core";
import { spawnSync } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const [report, outDir, ...rest] = process.argv.slice(2);
const shotAt = rest[0] === "--screenshot" ? rest[1] : null;
mkdirSync(outDir, { recursive: true });
const failures = [];
const fail = (m) => failures.push(m);

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});
const context = await browser.newContext({ viewport: { width: 1000, height: 900 }, offline: true });
const url = pathToFileURL(resolve(report)).href;
const requests = [];
const consoleErrors = [];
await context.route("**/*", (route) => {
  const u = route.request().url();
  if (u === url) return route.continue();
  requests.push(u);
  return route.abort();
});
const page = await context.newPage();
page.on("console", (m) => { if (m.type() === "error" || m.type() === "warning") consoleErrors.push(m.text()); });
page.on("pageerror", (e) => consoleErrors.push(String(e)));
await page.goto(url, { waitUntil: "load" });

// Pixel statistics of a PNG, decoded by the browser in a page of its own.
const stats = await context.newPage();
async function pixels(png) {
  return stats.evaluate(async (b64) => {
    const img = new Image();
    img.src = "data:image/png;base64," + b64;
    await img.decode();
    const c = document.createElement("canvas");
    c.width = img.width; c.height = img.height;
    const g = c.getContext("2d");
    g.drawImage(img, 0, 0);
    const d = g.getImageData(0, 0, c.width, c.height).data;
    const bg = [d[0], d[1], d[2]];
    let ink = 0, coloured = 0, lum = 0;
    const colours = new Set();
    for (let i = 0; i < d.length; i += 4) {
      const [r, gg, b] = [d[i], d[i + 1], d[i + 2]];
      if (Math.abs(r - bg[0]) + Math.abs(gg - bg[1]) + Math.abs(b - bg[2]) > 30) ink++;
      if (Math.max(r, gg, b) - Math.min(r, gg, b) > 60) coloured++;
      lum += 0.2126 * r + 0.7152 * gg + 0.0722 * b;
      colours.add((r >> 4) * 256 + (gg >> 4) * 16 + (b >> 4));
    }
    const n = d.length / 4;
    return { width: c.width, height: c.height, ink: ink / n, coloured: coloured / n, colours: colours.size, background: lum / n / 255 };
  }, png.toString("base64"));
}

const charts = [];
for (const el of await page.locator("svg.chart").all()) {
  const id = await el.evaluate((e) => e.closest("section")?.id ?? "?");
  const box = await el.boundingBox();
  const p = await pixels(await el.screenshot());
  charts.push({ section: id, height: Math.round(box?.height ?? 0), ...p });
  if (!box || box.height < 40) fail(`chart in #${id} is ${box?.height ?? 0}px high`);
  if (p.ink < 0.02) fail(`chart in #${id} looks blank (ink ${p.ink.toFixed(4)})`);
  if (p.coloured < 0.002) fail(`chart in #${id} has no coloured marks (${p.coloured.toFixed(4)})`);
}
if (charts.length === 0) fail("no chart on the page");

const full = await page.screenshot({ fullPage: true, path: join(outDir, "light.png") });
const light = await pixels(full);
if (shotAt) await page.screenshot({ path: shotAt, clip: { x: 0, y: 0, width: 1000, height: 1400 } });

// Sorting: the reasons' table by share, both ways.
const sorted = await page.evaluate(() => {
  const table = document.querySelector("#reasons table");
  if (!table) return null;
  const th = [...table.querySelectorAll("thead th")].find((h) => h.textContent === "share");
  const values = () => [...table.tBodies[0].rows].map((r) => parseFloat(r.querySelector("[data-key=share]")?.getAttribute("data-value") ?? "NaN"));
  th.click();
  const up = values();
  th.click();
  return { up, down: values(), aria: th.getAttribute("aria-sort") };
});
if (sorted) {
  const ok = (xs, sign) => xs.every((x, i) => i === 0 || isNaN(x) || isNaN(xs[i - 1]) || sign * (x - xs[i - 1]) >= 0);
  if (!ok(sorted.up, 1) || !ok(sorted.down, -1) || sorted.aria !== "descending") fail(`sorting by share failed: ${JSON.stringify(sorted)}`);
}

// Dark mode.
await page.emulateMedia({ colorScheme: "dark" });
const dark = await pixels(await page.screenshot({ fullPage: true, path: join(outDir, "dark.png") }));
if (dark.background > 0.35) fail(`dark mode is not dark (mean luminance ${dark.background.toFixed(2)})`);
if (light.background < 0.6) fail(`light mode is not light (mean luminance ${light.background.toFixed(2)})`);
await page.emulateMedia({ colorScheme: "light" });

// Print: the page fits the width of A4 and Letter paper, and prints.
await page.emulateMedia({ media: "print" });
const print = {};
for (const [name, mm] of [["A4", 210 - 24], ["Letter", 215.9 - 24]]) {
  const width = Math.floor((mm / 25.4) * 96);
  await page.setViewportSize({ width, height: 1000 });
  const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const pdf = await page.pdf({ format: name });
  print[name] = { width, overflow: over, pdf_bytes: pdf.length };
  if (over > 1) fail(`printed on ${name} the page is ${over}px too wide`);
  if (pdf.length < 10000) fail(`the ${name} PDF is only ${pdf.length} bytes`);
}
await browser.close();

if (requests.length) fail(`the page made requests: ${requests.join(", ")}`);
if (consoleErrors.length) fail(`console errors: ${consoleErrors.join(" | ")}`);

// The Nu Html Checker (the W3C's validator): errors and warnings fail, notes do not.
const jar = join(here, "node_modules", "vnu-jar", "build", "dist", "vnu.jar");
let messages = [];
try {
  // It writes its JSON to standard error.
  const run = spawnSync("java", ["-jar", jar, "--format", "json", "--exit-zero-always", "--also-check-svg", report], { encoding: "utf8" });
  messages = JSON.parse(run.stderr).messages.filter((m) => m.type !== "info");
} catch (e) {
  fail(`the validator did not run: ${e.message}`);
}
for (const m of messages) fail(`validator: line ${m.lastLine}: ${m.type}: ${m.message}`);

console.log(JSON.stringify({ charts, light, dark, print, requests, console: consoleErrors, validator: messages.length, failures }, null, 1));
process.exit(failures.length ? 1 : 0);
