// Opens each DIR/report.html (written by `drsim run --out DIR`) in headless
// Chromium from file:// and checks what a reviewer would see:
//   - no console error, no uncaught exception, no network request at all;
//   - the values shown on hover (the tooltip) equal those in DIR/results.json:
//     each strategy's expected annual cost (cost-against-risk points) and, per
//     disruption kind, its share of incidents meeting the RTO and the RPO
//     (keys of the CDF charts), to the precision shown;
//   - a screenshot of the first screen (DIR/first-screen.png) is not blank and
//     shows the decision.
// Usage: node check.mjs DIR...   (CHROMIUM=/path/to/chromium to override)
// Prints one line per check and "browser: N passed, M failed"; exits 1 on a failure.

import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const executablePath = process.env.CHROMIUM || "/usr/bin/chromium";
// The network is closed where this runs: nothing may try to reach it.
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

let passed = 0;
let failed = 0;
function check(ok, what) {
  if (ok) {
    passed += 1;
    console.log(`ok   ${what}`);
  } else {
    failed += 1;
    console.log(`FAIL ${what}`);
  }
}

/// The number in a tooltip, parsed as shown ("$1,139,566", "99.974%"), and
/// half a unit of its last shown digit: the rounding the display allows.
function shown(text, pattern) {
  const m = text.match(pattern);
  if (!m) return null;
  const digits = m[1].replace(/,/g, "");
  const decimals = digits.includes(".") ? digits.split(".")[1].length : 0;
  return { value: Number(digits), slack: 0.5 * 10 ** -decimals + 1e-9 };
}

async function hoverTip(page, locator) {
  await locator.scrollIntoViewIfNeeded();
  // A real pointer move: Playwright refuses when another element covers the
  // target (two strategies' points can coincide on the cost-risk chart). The
  // page shows the same tooltip on keyboard focus, which is how a reviewer
  // reaches a covered point (Tab), so fall back to that.
  try {
    await locator.hover({ timeout: 3000 });
  } catch (e) {
    await locator.focus();
  }
  const tip = page.locator("#tip");
  await tip.waitFor({ state: "visible", timeout: 2000 });
  return tip.textContent();
}

async function checkDir(dir) {
  const name = path.basename(dir);
  const report = path.resolve(dir, "report.html");
  const results = JSON.parse(fs.readFileSync(path.join(dir, "results.json"), "utf8"));
  const reportUrl = pathToFileURL(report).href;
  const userDataDir = fs.mkdtempSync(path.join(os.tmpdir(), "drsim-chromium-"));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath,
    headless: true,
    args,
    viewport: { width: 1280, height: 800 },
  });
  try {
    const requests = [];
    const errors = [];
    // Anything but the page itself is a request the report should not make;
    // routed requests are aborted too, so nothing leaves even if one is tried.
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url !== reportUrl) requests.push(url);
      return url === reportUrl ? route.continue() : route.abort();
    });
    context.on("request", (req) => {
      if (req.url() !== reportUrl && !requests.includes(req.url())) requests.push(req.url());
    });
    const page = context.pages()[0] || (await context.newPage());
    page.on("console", (msg) => {
      if (msg.type() === "error" || msg.type() === "warning") errors.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on("pageerror", (err) => errors.push(`exception: ${err.message}`));
    await page.goto(reportUrl, { waitUntil: "load" });
    await page.waitForTimeout(300);

    // The first screen: the decision, not a blank page.
    const shot = path.join(dir, "first-screen.png");
    await page.screenshot({ path: shot });
    const decisionTop = await page.locator("#decision").evaluate((e) => e.getBoundingClientRect().top);
    check(decisionTop >= 0 && decisionTop < 800, `${name}: the decision is on the first screen (top at ${decisionTop}px)`);
    const summary = (await page.locator("#decision .summary").textContent()).trim();
    check(summary === results.decision.summary, `${name}: the decision reads as results.json's summary`);

    // Tooltips against results.json.
    for (const s of results.strategies) {
      const point = page.locator("#cost-vs-risk g.point").filter({ has: page.locator("circle") })
        .and(page.locator(`[data-strategy="${s.name.replace(/"/g, '\\"')}"]`));
      const text = await hoverTip(page, point);
      const got = shown(text, /expected cost \$([\d,]+) a year/);
      const want = s.cost.total_annual_usd.value;
      check(got && Math.abs(got.value - want) <= got.slack,
        `${name}: ${s.name} expected annual cost on hover ${got && got.value} = results.json ${want}`);
      for (const k of s.kinds) {
        for (const [measure, section, field, label] of [
          ["rto-met", "#downtime-cdf", "rto_met", "RTO"],
          ["rpo-met", "#data-loss-cdf", "rpo_met", "RPO"],
        ]) {
          if (k.incidents === 0) continue;
          const entry = page.locator(`${section} li[data-measure="${measure}"][data-kind="${k.kind}"]`)
            .and(page.locator(`[data-strategy="${s.name.replace(/"/g, '\\"')}"]`));
          const tipText = await hoverTip(page, entry);
          const met = shown(tipText, new RegExp(`${label} met in ([\\d.]+)% of incidents`));
          const wantPct = k[field].estimate * 100;
          check(met && Math.abs(met.value - wantPct) <= met.slack,
            `${name}: ${s.name} ${k.kind} P(${label} met) on hover ${met && met.value}% = results.json ${wantPct}%`);
        }
      }
    }

    // A screenshot that shows something: count pixels that are not white,
    // decoding the PNG in a page of its own (a data: URL, no request).
    const png = fs.readFileSync(shot).toString("base64");
    const decoder = await context.newPage();
    const ink = await decoder.evaluate(async (b64) => {
      const img = new Image();
      img.src = `data:image/png;base64,${b64}`;
      await img.decode();
      const c = document.createElement("canvas");
      c.width = img.width;
      c.height = img.height;
      const g = c.getContext("2d");
      g.drawImage(img, 0, 0);
      const d = g.getImageData(0, 0, c.width, c.height).data;
      let dark = 0;
      const colours = new Set();
      for (let i = 0; i < d.length; i += 4) {
        if (d[i] < 230 || d[i + 1] < 230 || d[i + 2] < 230) dark += 1;
        colours.add((d[i] >> 4) * 256 + (d[i + 1] >> 4) * 16 + (d[i + 2] >> 4));
      }
      return { share: dark / (d.length / 4), colours: colours.size, width: c.width, height: c.height };
    }, png);
    await decoder.close();
    check(ink.share > 0.02 && ink.colours > 8,
      `${name}: first screen ${ink.width}x${ink.height} not blank (${(ink.share * 100).toFixed(1)}% non-white pixels, ${ink.colours} colours)`);

    check(errors.length === 0, `${name}: no console error${errors.length ? ": " + errors.join(" | ") : ""}`);
    const network = requests.filter((u) => !u.startsWith("data:"));
    check(network.length === 0, `${name}: no request beyond the file itself${network.length ? ": " + network.join(", ") : ""}`);
  } finally {
    await context.close();
    fs.rmSync(userDataDir, { recursive: true, force: true });
  }
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: node check.mjs DIR...");
  process.exit(2);
}
for (const dir of dirs) {
  try {
    await checkDir(dir);
  } catch (e) {
    check(false, `${path.basename(dir)}: ${e.message.split("\n")[0]}`);
  }
}
console.log(`browser: ${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
