import { chromium } from 'playwright-core';
const base = 'http://127.0.0.1:8765';
const pw = process.argv[2];
const who = process.argv[3];
const paths = process.argv.slice(4);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
for (const [w, h] of [[1366, 768], [390, 844]]) {
  const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: w, height: h } });
  const page = await ctx.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', who);
  await page.fill('input[name=password]', pw);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  for (const p of paths) {
    const r = await page.goto(`${base}${p}`);
    const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    const name = `/tmp/look-${who}-${w}-${p.replace(/[^a-z0-9]/gi, '_')}.png`;
    await page.screenshot({ path: name, fullPage: false });
    console.log(w, p, r.status(), 'overflow', over, name);
  }
  await ctx.close();
}
await browser.close();
