// browser.mjs opens a page in headless Chromium and prints what the page logs, one line per
// console message, until its standard input closes. app/browser_test.go runs it:
//
//   node browser.mjs <chromium executable> <page URL>
//
// playwright-core drives the browser Debian installs (no browser download).
import { chromium } from "playwright-core";

const [executablePath, url] = process.argv.slice(2);
if (!executablePath || !url) {
  console.error("usage: node browser.mjs <chromium executable> <page URL>");
  process.exit(2);
}
// Root (as CI runs) needs --no-sandbox; nothing but the test's own page is loaded.
const browser = await chromium.launch({ executablePath, headless: true, args: ["--no-sandbox"] });
const stop = async (code) => {
  await browser.close().catch(() => {});
  process.exit(code);
};
// A test that dies without closing stdin must not leave a browser behind.
const limit = setTimeout(() => stop(3), 120_000);
process.stdin.on("end", () => {
  clearTimeout(limit);
  void stop(0);
});
process.stdin.resume();

const page = await browser.newPage();
page.on("console", (msg) => console.log(msg.text()));
page.on("pageerror", (err) => console.log(JSON.stringify({ kind: "pageerror", message: String(err) })));
await page.goto(url);
console.log(JSON.stringify({ kind: "loaded" }));
