// Opens each DIR/report.html (written by `drsim run --out DIR`) in headless
// Chromium from file:// and checks what a reviewer would see:
//   - no console error, no uncaught exception, no network request at all;
//   - the values shown on hover (the tooltip) equal those in DIR/results.json:
//     each strategy's expected annual cost (cost-against-risk points) and, per
//     disruption kind, its share of incidents meeting the RTO and the RPO
//     (keys of the CDF charts), to the precision shown; for a platform run
//     (results.json has `platform`), each plan's expected annual cost and
//     every weakest-link bar's share;
//   - every table and chart of the page is there, with rows and marks;
//   - the cost-against-risk labels, as the browser draws them, lie inside
//     the plot and clear of each other and of every point;
//   - every link resolves to a file beside the page;
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
  await tip.waitFor({ state: "visible", timeout: 5000 });
  return tip.textContent();
}

/// A platform's tooltips: each plan's expected annual cost (on hover, as
/// the single-service points) and every weakest-link bar's share (the
/// tooltip text each bar carries, read at once; one is hovered).
async function checkPlatformTips(page, name, platform) {
  for (const plan of platform.plans) {
    // The search's closest plan is drawn as `search` on the chart.
    const point = plan.role === "closest" && !plan.listed ? "search" : plan.label;
    const locator = page.locator("#cost-vs-risk g.point").and(page.locator(`[data-strategy="${point.replace(/"/g, '\\"')}"]`));
    const text = await hoverTip(page, locator);
    const got = shown(text, /expected cost \$([\d,]+) a year/);
    const want = plan.figures.annual_cost_usd;
    check(got && Math.abs(got.value - want) <= got.slack, `${name}: plan ${plan.label} expected annual cost on hover ${got && got.value} = results.json ${want}`);
  }
  const bars = page.locator("#weakest-link rect.mark");
  await hoverTip(page, bars.first());
  const tips = await bars.evaluateAll((rs) => rs.map((r) => ({
    plan: r.getAttribute("data-plan"),
    service: r.getAttribute("data-service"),
    function: r.closest("figure").querySelector("figcaption").textContent,
    tip: r.getAttribute("data-tip") || "",
  })));
  let wrong = [];
  for (const t of tips) {
    const plan = platform.plans.find((p) => p.label === t.plan);
    const link = plan && plan.weakest_link.find((w) => w.function === t.function);
    const share = link && link.services.find((s) => s.service === t.service);
    const got = shown(t.tip, new RegExp(`: ${t.service} ([\\d.]+)%`));
    if (!share || !got || Math.abs(got.value - share.share * 100) > got.slack) wrong.push(`${t.plan} ${t.function} ${t.service}`);
  }
  check(tips.length > 0 && wrong.length === 0, `${name}: ${tips.length} weakest-link shares on hover = results.json${wrong.length ? "; not " + wrong.join(", ") : ""}`);
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

    // Every table and chart, with rows and marks.
    const platform = results.platform;
    const sections = platform
      ? [["#plans", "table tbody tr"], ["#functions", "table tbody tr"], ["#services", "table tbody tr"],
        ["#weakest-link", "svg rect.mark"], ["#cost-vs-risk", "svg g.point"], ["#assumptions", "li"]]
      : [["#strategies", "table tbody tr"], ["#kinds", "table tbody tr"], ["#cost-vs-risk", "svg g.point"],
        ["#downtime-cdf", "svg g.series"], ["#data-loss-cdf", "svg g.series"], ["#annual-cost", "svg g.series"],
        ["#recovery-steps", "svg rect.mark"]];
    for (const [section, marks] of sections) {
      const count = await page.locator(`${section} ${marks}`).count();
      check(count > 0, `${name}: ${section} has ${count} ${marks}`);
    }
    if (platform) {
      const rows = await page.locator("#plans table tbody tr").count();
      check(rows === platform.plans.length, `${name}: the plans table has a row per plan (${rows} = ${platform.plans.length})`);
    }

    // The cost-against-risk labels as drawn: inside the plot, clear of each other and of every point.
    const geometry = await page.locator("#cost-vs-risk svg[role=img]").evaluate((svg) => {
      const box = (e) => { const r = e.getBoundingClientRect(); return { l: r.left, t: r.top, r: r.right, b: r.bottom }; };
      return {
        plot: box(svg.querySelector("rect.frame")),
        labels: [...svg.querySelectorAll("text.label")].map((t) => ({ text: t.textContent, ...box(t) })),
        points: [...svg.querySelectorAll("g.point circle")].map(box),
      };
    });
    const overlap = (a, b) => Math.min(a.r, b.r) - Math.max(a.l, b.l) > 0.5 && Math.min(a.b, b.b) - Math.max(a.t, b.t) > 0.5;
    const p = geometry.plot;
    const outside = geometry.labels.filter((l) => l.l < p.l - 0.5 || l.r > p.r + 0.5 || l.t < p.t - 0.5 || l.b > p.b + 0.5);
    check(geometry.labels.length > 0 && outside.length === 0,
      `${name}: ${geometry.labels.length} cost-risk labels inside the plot${outside.length ? ": not " + outside.map((l) => l.text).join(", ") : ""}`);
    const clashes = [];
    geometry.labels.forEach((a, i) => {
      geometry.labels.slice(i + 1).forEach((b) => { if (overlap(a, b)) clashes.push(`${a.text} / ${b.text}`); });
      geometry.points.forEach((c, j) => { if (overlap(a, c)) clashes.push(`${a.text} / point ${j}`); });
    });
    check(clashes.length === 0, `${name}: cost-risk labels clear of each other and of the points${clashes.length ? ": " + clashes.join(", ") : ""}`);

    // Links: the chart files beside the page.
    const hrefs = await page.locator("a[href]").evaluateAll((as) => as.map((a) => a.getAttribute("href")));
    const broken = hrefs.filter((h) => !fs.existsSync(path.join(dir, decodeURIComponent(h))));
    check(hrefs.length > 0 && broken.length === 0, `${name}: ${hrefs.length} links resolve${broken.length ? ", not " + broken.join(", ") : ""}`);

    // Tooltips against results.json.
    if (platform) await checkPlatformTips(page, name, platform);
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
