// Main flows in a real browser: sign in, browse the tree, edit a member (with a validation
// error first), and an out-of-scope user refused another street's members. Screenshots of
// each step land in e2e/screenshots/.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFileSync } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import net from 'node:net';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
const bin = process.env.JICENG_BIN ?? join(here, '..', 'target', 'debug', 'jiceng');
const shots = join(here, 'screenshots');
const dataDir = mkdtempSync(join(tmpdir(), 'jiceng-e2e-'));
// A phone photo: 640×480 with EXIF orientation and a GPS block.
const phonePhoto = join(here, '..', 'crates', 'ops', 'tests', 'fixtures', 'phone.jpg');
// Every photo drawn on the page has loaded (a broken one has no natural width).
const photosShown = (page) => page.$$eval('.photo-strip img', (imgs) => imgs.map((i) => i.complete && i.naturalWidth > 0));
let server, browser, base, password, accounts, scopes;

const jiceng = (...args) => JSON.parse(execFileSync(bin, ['--data-dir', dataDir, '--json', ...args], { env: { ...process.env, JICENG_LOG: 'warn' } }).toString());

const freePort = () => new Promise((resolve) => {
  const s = net.createServer();
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

async function waitFor(url) {
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(url)).ok) return; } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not answer at ${url}`);
}

before(async () => {
  const demo = jiceng('demo', '--city', '莆田市', '--scale', '0.1', '--seed', '5');
  password = demo.password;
  accounts = demo.accounts.map((a) => a.username);
  scopes = Object.fromEntries(demo.accounts.map((a) => [a.username, a.scope]));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  server = spawn(bin, ['--data-dir', dataDir, 'serve', '--listen', `127.0.0.1:${port}`, '--show-codes'], { stdio: 'ignore', env: { ...process.env, JICENG_LOG: 'warn' } });
  await waitFor(`${base}/healthz`);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await browser?.close();
  server?.kill();
  rmSync(dataDir, { recursive: true, force: true });
});

// The grid map has drawn its grids once a pixel converts to a longitude and latitude.
const mapReady = (page) => page.waitForFunction(() => {
  const el = document.getElementById('map');
  const chart = el && window.echarts && echarts.getInstanceByDom(el);
  return Boolean(chart && chart.convertFromPixel('geo', [el.clientWidth / 2, el.clientHeight / 2]));
});

async function signIn(username) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 860 } });
  const page = await context.newPage();
  await page.goto(`${base}/`);
  assert.match(page.url(), /\/login/, 'signed-out visitors are sent to sign in');
  await page.fill('input[name=username]', username);
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  return page;
}

test('a wrong password is refused with a message', async () => {
  const page = await browser.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', 'secretary');
  await page.fill('input[name=password]', 'wrongpass1');
  await page.click('button[type=submit]');
  await page.waitForSelector('.alert');
  assert.match(await page.textContent('.alert'), /用户名或密码错误/);
  await page.screenshot({ path: join(shots, '01-login-error.png') });
  await page.close();
});

test('sign in and browse the organisation tree', async () => {
  const page = await signIn('street');
  assert.match(await page.textContent('main'), /中共龙桥街道工作委员会/, 'home shows the scope');
  await page.screenshot({ path: join(shots, '02-home.png') });
  await page.click('aside.side a[href="/orgs"]');
  await page.waitForURL(`${base}/orgs`);
  const root = page.locator('ul.tree > li').first();
  await root.locator('button.twisty').click();
  const child = root.locator('ul.tree li a').first();
  await child.waitFor();
  const childName = (await child.textContent()).trim();
  assert.match(childName, /社区委员会/, 'a street expands into its communities');
  await page.screenshot({ path: join(shots, '03-tree.png') });
  // The org's own page, not the tree's heading read before the click has navigated.
  await Promise.all([page.waitForURL(/\/orgs\/[^/?]+$/), child.click()]);
  assert.equal((await page.textContent('h1')).includes(childName), true);
  assert.match(await page.textContent('main'), /委员会/);
  await page.screenshot({ path: join(shots, '04-org.png'), fullPage: true });
  await page.context().close();
});

test('edit a member: an invalid phone is named, then the fix is saved', async () => {
  const page = await signIn('secretary');
  await page.click('aside.side a[href="/members"]');
  await page.waitForSelector('table.members tbody tr');
  await page.screenshot({ path: join(shots, '05-members.png') });
  await page.click('table.members tbody tr:first-child a');
  await page.waitForSelector('a[href$="/edit"]');
  const url = page.url();
  await page.click('a[href$="/edit"]');
  await page.waitForSelector('input[name=phone]');
  await page.fill('input[name=phone]', '12345');
  await page.click('form.form button[type=submit]');
  await page.waitForSelector('.alert');
  assert.match(await page.textContent('.alert'), /联系电话.*12345/);
  assert.equal(await page.locator('label.invalid input[name=phone]').count(), 1, 'the phone field is marked');
  await page.screenshot({ path: join(shots, '06-member-error.png'), fullPage: true });
  await page.fill('input[name=phone]', '13900001111');
  await page.fill('input[name=name]', '林测试');
  await page.click('form.form button[type=submit]');
  // The failed save re-rendered the form at the member's own address, so the address alone
  // does not tell that the saved page has arrived; its heading does.
  await page.locator('h1', { hasText: '林测试' }).waitFor();
  assert.equal(page.url(), url);
  assert.match(await page.textContent('main'), /139\*\*\*\*1111|13900001111/);
  await page.screenshot({ path: join(shots, '07-member-saved.png'), fullPage: true });
  await page.context().close();
});

function idNumber(birth, seq) {
  const first17 = `350302${birth}${String(seq).padStart(3, '0')}`;
  const w = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first17].reduce((acc, d, i) => acc + Number(d) * w[i], 0);
  return first17 + '10X98765432'[sum % 11];
}

test('import a sheet as people keep it: header found, problems by row and column, then a clean file goes in', async () => {
  const page = await signIn('secretary');
  await page.click('aside.side a[href="/import"]');
  await page.waitForSelector('#import-form');
  const title = '莆田市荔城区党员信息采集表（2026年）';
  const header = '姓名,公民身份号码,所在党组织,入党时间,转正时间,党员类别,手机号码';
  const good = `导入甲,${idNumber('19800101', 871)},C350302001001,2005年7月1日,2006-07-01,在职党员,+86 138-0000-0001`;
  const bad = `导入乙,3.50302E+17,C350302001001,2005-07-01,2006-07-01,流动党员,13800000002`;
  const withError = join(dataDir, 'with-error.csv');
  writeFileSync(withError, [title, header, good, bad].join('\r\n'));
  await page.setInputFiles('input[name=file]', withError);
  await page.click('#import-form button[type=submit]');
  await page.waitForSelector('#mapping-form');
  assert.equal(await page.locator('#mapping-form select[aria-label="公民身份号码"]').inputValue(), 'id_number');
  await page.screenshot({ path: join(shots, '09a-import-mapping.png'), fullPage: true });
  await page.click('#run-form button[value=commit]');
  await page.waitForSelector('table.import-errors');
  const cells = await page.locator('table.import-errors tbody tr:first-child td').allTextContents();
  assert.equal(cells[0], '4', 'the fourth line of the file, below the title and the header');
  assert.equal(cells[1], '身份证号（公民身份号码）');
  assert.match(cells[3], /丢失/);
  assert.match(await page.textContent('#import-report'), /未写入任何数据/);
  await page.screenshot({ path: join(shots, '09b-import-error.png'), fullPage: true });
  const none = jiceng('member', 'list', '--name', '导入甲');
  assert.equal(none.items.length, 0, 'nothing was written');

  await page.goto(`${base}/import`);
  const clean = join(dataDir, 'clean.csv');
  writeFileSync(clean, [title, header, good].join('\r\n'));
  await page.setInputFiles('input[name=file]', clean);
  await page.click('#import-form button[type=submit]');
  await page.waitForSelector('#run-form');
  await page.click('#run-form button[value=commit]');
  await page.waitForSelector('#import-report .ok');
  assert.match(await page.textContent('#import-report'), /已全部导入/);
  await page.screenshot({ path: join(shots, '09c-import-done.png') });
  assert.equal(jiceng('member', 'list', '--name', '导入甲').items.length, 1);
  await page.context().close();
});

test("a street admin cannot see another street's members", async () => {
  const other = jiceng('member', 'list', '--within', 'S350302002', '--limit', '1').items[0];
  const page = await signIn('street');
  const response = await page.goto(`${base}/members/${other.id}`);
  assert.equal(response.status(), 404, 'out of scope answers as not found');
  assert.match(await page.textContent('main'), /找不到党员/);
  assert.equal((await page.textContent('body')).includes(other.name), false, 'nothing of the member is shown');
  await page.screenshot({ path: join(shots, '08-out-of-scope.png') });
  await page.goto(`${base}/members?within=S350302002`);
  assert.match(await page.textContent('.alert'), /没有这个代码的党组织/, 'another street reads as an unknown code');
  assert.equal(await page.locator('table.members').count(), 0, 'no rows from the other street');
  await page.context().close();
});

test('add a stationed unit, find it, and read the page in English', async () => {
  const page = await signIn('secretary');
  await page.click('aside.side a[href="/units"]');
  await page.waitForSelector('h1');
  await page.click('a[href="/units/new"]');
  await page.fill('input[name=name]', '浏览器测试公司');
  await page.selectOption('select[name=category]', 'private_enterprise');
  await page.fill('input[name=division_code]', '35030200100');
  await page.click('form.form button[type=submit]');
  await page.waitForSelector('.alert');
  assert.match(await page.textContent('.alert'), /行政区划代码.*35030200100/);
  assert.equal(await page.inputValue('input[name=name]'), '浏览器测试公司', 'what was typed is kept');
  await page.fill('input[name=division_code]', '350302001001');
  await page.click('form.form button[type=submit]');
  await page.waitForURL(/\/units\/\d+$/);
  assert.match(await page.textContent('h1'), /浏览器测试公司/);
  await page.screenshot({ path: join(shots, '11-unit.png'), fullPage: true });
  await page.goto(`${base}/units?q=浏览器`);
  assert.equal(await page.locator('table.units tbody tr').count(), 1);
  await page.screenshot({ path: join(shots, '12-units.png') });
  await page.click('a[href="/lang/en"]');
  await page.waitForSelector('table.units');
  assert.match(await page.textContent('table.units'), /private enterprise/);
  await page.goto(`${base}/units/new`);
  await page.fill('input[name=name]', 'x');
  await page.selectOption('select[name=category]', 'agency');
  await page.fill('input[name=division_code]', '1');
  await page.click('form.form button[type=submit]');
  await page.waitForSelector('.alert');
  assert.match(await page.textContent('.alert'), /Division code \(division_code\): “1” is invalid/);
  await page.screenshot({ path: join(shots, '13-unit-error-en.png') });
  await page.context().close();
});

test('record the missing meetings and see a branch turn compliant', async () => {
  // A new branch of 太平社区 that held nothing last month.
  jiceng('org', 'add', '--code', 'E2EB1', '--name', '浏览器测试支部', '--level', 'branch', '--parent', 'C350302001001', '--division', '350302001001');
  const now = new Date(Date.now() + 8 * 3600 * 1000);
  const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
  const month = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, '0')}`;
  const page = await signIn('secretary');
  await page.goto(`${base}/compliance?within=E2EB1&period=${month}`);
  assert.match(await page.textContent('table.compliance'), /未达标/);
  assert.match(await page.textContent('table.compliance'), new RegExp(`支委会 ${month}`));
  await page.screenshot({ path: join(shots, '14-compliance-before.png'), fullPage: true });

  for (const [kind, day, topic] of [['branch_committee', '05', '研究月度工作'], ['themed_day', '12', '志愿服务进小区']]) {
    await page.goto(`${base}/meetings/new?org=E2EB1`);
    await page.selectOption('select[name=kind]', kind);
    await page.selectOption('select[name=status]', 'held');
    await page.fill('input[name=held_on]', `${month}-${day}`);
    await page.fill('input[name=topic]', topic);
    await page.fill('input[name=place]', '社区党群服务中心');
    await page.click('form.meeting-form button[type=submit]');
    await page.waitForURL(/\/meetings\/\d+$/);
    assert.match(await page.textContent('h1'), new RegExp(topic));
  }
  await page.screenshot({ path: join(shots, '15-meeting.png'), fullPage: true });
  await page.goto(`${base}/compliance?within=E2EB1&period=${month}`);
  assert.match(await page.textContent('table.compliance'), /达标/);
  assert.doesNotMatch(await page.textContent('table.compliance'), /未达标/);
  assert.equal((await page.textContent('#complying')).trim(), '1');
  await page.screenshot({ path: join(shots, '16-compliance-after.png'), fullPage: true });
  await page.context().close();
});

// Submits one of a case page's move forms and waits for the new step to show.
async function makeMove(page, form) {
  const steps = await page.locator('table.steps tbody tr').count();
  await page.click(`${form} button[type=submit]`);
  await page.waitForFunction((n) => document.querySelectorAll('table.steps tbody tr').length > n, steps);
}

test('take a case in, whistle two departments, close it and see the reporter satisfied', async () => {
  jiceng('user', 'add', '--username', 'water', '--role', 'department_handler', '--scope', 'S350302001', '--department', 'swj', '--password', password);
  const street = await signIn('street');
  await street.goto(`${base}/cases/new`);
  await street.selectOption('select[name=channel]', 'hotline');
  await street.selectOption('select[name=category]', 'water');
  await street.fill('input[name=title]', '浏览器测试：小区停水');
  await street.fill('input[name=community]', 'C350302001001');
  await street.fill('input[name=reporter_phone]', '13912345678');
  await street.screenshot({ path: join(shots, '17-case-intake.png'), fullPage: true });
  await Promise.all([street.waitForURL(/\/cases\/\d+$/), street.click('form.form button[type=submit]')]);
  const caseUrl = street.url();
  const code = (await street.textContent('.muted.mono')).trim();
  assert.match(code, /^C\d{6}[0-9A-Z]{6}$/);
  // The receipt gives the rating code once, to be read out to the reporter.
  const secret = (await street.textContent('#rating-secret')).trim();
  assert.match(secret, /^\d{6}$/);
  await street.screenshot({ path: join(shots, '17b-case-receipt.png'), fullPage: true });
  await street.check('input[name=departments][value=cgj]');
  await street.check('input[name=departments][value=swj]');
  await makeMove(street, 'form.dispatch');
  assert.equal(await street.locator('table.summons tbody tr').count(), 2);
  assert.match(await street.textContent('table.summons'), /未报到/);
  await street.screenshot({ path: join(shots, '18-case-whistle.png'), fullPage: true });

  for (const [user, moves] of [['water', ['report']], ['handler', ['report', 'accept']]]) {
    const page = await signIn(user);
    if (user === 'water') {
      // The summoned department finds the whistle on its to-do list, and off it once reported.
      await page.goto(`${base}/inbox`);
      assert.equal(await page.locator('table.cases tr', { hasText: '浏览器测试：小区停水' }).count(), 1);
      await page.screenshot({ path: join(shots, '18b-department-inbox.png'), fullPage: true });
    }
    await page.goto(caseUrl);
    for (const move of moves) {
      await makeMove(page, `form.move-${move}`);
    }
    if (user === 'water') {
      await page.goto(`${base}/inbox`);
      assert.equal(await page.locator('table.cases tr', { hasText: '浏览器测试：小区停水' }).count(), 0);
      await page.click('nav.tabs a[href="/inbox?tab=all"]');
      await page.waitForURL(/tab=all/);
      assert.equal(await page.locator('table.cases tr', { hasText: '浏览器测试：小区停水' }).count(), 1);
    }
    if (user === 'handler') {
      // The department answers with photos from before and after the work.
      await page.fill('form.move-feedback input[name=note]', '已抢修，恢复供水');
      await page.setInputFiles('form.move-feedback input[name=photo_before]', phonePhoto);
      await page.setInputFiles('form.move-feedback input[name=photo_after]', phonePhoto);
      await makeMove(page, 'form.move-feedback');
      assert.match(await page.textContent('.tag'), /待核查/);
      await page.waitForFunction(() => [...document.querySelectorAll('.photo-strip img')].every((i) => i.complete));
      assert.deepEqual(await photosShown(page), [true, true], 'both photos drawn');
      assert.match(await page.textContent('.photo-strip'), /处置前.*处置后/s);
      await page.screenshot({ path: join(shots, '19-case-feedback.png'), fullPage: true });
    }
    await page.context().close();
  }
  // The grid worker finds it on the phone page, waiting for their verification.
  const grid = await signIn('grid');
  await grid.setViewportSize({ width: 390, height: 844 });
  await grid.goto(`${base}/patrols`);
  const waiting = grid.locator('.my-cases a', { hasText: '浏览器测试：小区停水' });
  assert.equal(await waiting.count(), 1, 'the case waits on the worker');
  await grid.screenshot({ path: join(shots, '19b-grid-worker-phone.png'), fullPage: true });
  await Promise.all([grid.waitForURL(caseUrl), waiting.click()]);
  await makeMove(grid, 'form.move-verify');
  assert.match(await grid.textContent('.tag'), /已结案/);
  assert.doesNotMatch(await grid.textContent('table.summons'), /未报到/);
  await grid.context().close();
  // The desk pages on: the next page starts after the last row of this one.
  await street.goto(`${base}/cases`);
  const firstCodes = await street.locator('table.cases tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
  assert.equal(firstCodes.length, 50);
  await Promise.all([street.waitForURL(/after=/), street.click('.pager a:has-text("下一页")')]);
  const nextCodes = await street.locator('table.cases tbody tr').evaluateAll((rows) => rows.map((r) => r.dataset.code));
  assert.ok(nextCodes.length > 0 && nextCodes.every((c) => !firstCodes.includes(c)), 'the second page repeats nothing');
  assert.equal(await street.locator('.pager a:has-text("第一页")').count(), 1);
  await street.screenshot({ path: join(shots, '19c-case-desk-page-two.png'), fullPage: true });
  await street.context().close();

  // The reporter, not signed in, follows the case by its code and rates it.
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const phone = await context.newPage();
  await phone.goto(`${base}/track?code=${code}`);
  assert.match(await phone.textContent('.tag'), /已结案/);
  await phone.fill('input[name=secret]', secret);
  await phone.selectOption('select[name=satisfaction]', 'satisfied');
  // The page is already at /track?code=…, so wait for what the rating changes, not the address.
  await phone.click('form[action="/track/rate"] button[type=submit]');
  await phone.locator('main', { hasText: '感谢您的评价' }).waitFor();
  assert.match(await phone.textContent('main'), /感谢您的评价/);
  assert.match(await phone.textContent('table.steps'), /回访/);
  await phone.screenshot({ path: join(shots, '20-case-rated.png'), fullPage: true });
  await context.close();
});

test('map a building by clicking inside a grid on the map', async () => {
  const street = await signIn('street');
  const errors = [];
  street.on('pageerror', (e) => errors.push(e.message));
  await street.goto(`${base}/grids?within=C350302001001`);
  await street.waitForSelector('#map canvas');
  await mapReady(street);
  const box = await street.locator('#map').boundingBox();
  // A click the chart takes for the end of a pan fills nothing: click again, up to three times.
  for (let i = 0; i < 3 && (await street.inputValue('.place-form input[name=lon]')) === ''; i++) {
    await street.locator('#map').click({ position: { x: box.width / 2, y: box.height / 2 } });
    await street.waitForFunction(() => document.querySelector('.place-form input[name=lon]').value !== '', null, { timeout: 2000 }).catch(() => {});
  }
  assert.match(await street.inputValue('.place-form input[name=lon]'), /^11\d\.\d{6}$/, 'the click fills the longitude');
  await street.fill('.place-form input[name=name]', '浏览器测试楼');
  await street.fill('.place-form input[name=households]', '42');
  await Promise.all([street.waitForURL(/\/grids\?grid=\d{15}$/), street.click('.place-form button[type=submit]')]);
  assert.match(await street.textContent('#places-of-grid'), /浏览器测试楼/);
  await street.screenshot({ path: join(shots, '21-grid-places.png'), fullPage: true });
  assert.deepEqual(errors, [], 'no script errors on the map');
  await street.context().close();
});

test("a street draws a community's boundary around its grids, and the map outlines it", async () => {
  const street = await signIn('street');
  const errors = [];
  street.on('pageerror', (e) => errors.push(e.message));
  const grids = await (await street.request.get(`${base}/api/v1/grids?within=C350302001001`)).json();
  let [x0, y0, x1, y1] = [180, 90, -180, -90];
  for (const g of grids) {
    const geo = JSON.parse(g.geometry);
    for (const [x, y] of (geo.geometry ?? geo).coordinates[0]) {
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  const m = 0.001;
  await street.setViewportSize({ width: 1366, height: 768 });
  const around = { type: 'Polygon', coordinates: [[[x0 - m, y0 - m], [x1 + m, y0 - m], [x1 + m, y1 + m], [x0 - m, y1 + m], [x0 - m, y0 - m]]] };
  await street.goto(`${base}/grids?within=C350302001001`);
  await street.waitForSelector('#map canvas');
  assert.match(await street.textContent('#boundaries'), /还没有划定社区边界/);
  // A boundary that leaves the grids outside is refused by name, and nothing is drawn.
  const small = { type: 'Polygon', coordinates: [[[x0, y0], [x0 + 0.0001, y0], [x0 + 0.0001, y0 + 0.0001], [x0, y0]]] };
  await street.fill('.boundary-form input[name=community]', 'C350302001001');
  await street.fill('.boundary-form textarea[name=geometry]', JSON.stringify(small));
  await street.click('.boundary-form button[type=submit]');
  await street.waitForSelector('p.alert');
  assert.match(await street.textContent('p.alert'), /不在所画边界之内/);
  await street.fill('.boundary-form input[name=community]', 'C350302001001');
  await street.fill('.boundary-form textarea[name=geometry]', JSON.stringify(around));
  await Promise.all([street.waitForURL(`${base}/grids`), street.click('.boundary-form button[type=submit]')]);
  await street.goto(`${base}/grids?within=C350302001001`);
  await street.waitForSelector('#map canvas');
  assert.match(await street.textContent('table.boundaries'), /C350302001001/);
  const outlined = await street.evaluate(() => {
    const chart = echarts.getInstanceByDom(document.getElementById('map'));
    return chart.getOption().series.filter((x) => x.type === 'lines').map((x) => x.data.length);
  });
  assert.deepEqual(outlined, [1], 'one dashed outline on the map');
  await street.screenshot({ path: join(shots, '24-community-boundary.png'), fullPage: true });
  await street.setViewportSize({ width: 390, height: 844 });
  await street.reload();
  await street.waitForSelector('#map canvas');
  assert.ok(await street.evaluate(() => document.documentElement.scrollWidth <= 390 + 1), 'no sideways scrolling on a phone');
  await street.screenshot({ path: join(shots, '25-community-boundary-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await street.context().close();
  const worker = await signIn('worker');
  await worker.goto(`${base}/grids`);
  assert.equal(await worker.locator('.boundary-form').count(), 0, 'a community worker draws no boundary');
  await worker.context().close();
});

test('a building named like a script is drawn as text in the map tooltip', async () => {
  const worker = await signIn('street');
  const errors = [];
  worker.on('pageerror', (e) => errors.push(e.message));
  await worker.goto(`${base}/grids?within=C350302001001`);
  await worker.waitForSelector('#map canvas');
  await mapReady(worker);
  // A point just off the middle of the grid, as a click there would give (the click itself is
  // the previous test's).
  await worker.evaluate(() => {
    const el = document.getElementById('map');
    const at = echarts.getInstanceByDom(el).convertFromPixel('geo', [el.clientWidth / 2 + 7, el.clientHeight / 2 + 5]);
    document.querySelector('.place-form input[name=lon]').value = at[0].toFixed(6);
    document.querySelector('.place-form input[name=lat]').value = at[1].toFixed(6);
  });
  const evil = '<img src=x onerror="window.__xss=1">';
  await worker.fill('.place-form input[name=name]', evil);
  await Promise.all([worker.waitForURL(/\/grids\?grid=\d{15}$/), worker.click('.place-form button[type=submit]')]);
  await worker.goto(`${base}/grids?within=C350302001001`);
  await worker.waitForSelector('#map canvas');
  // Show the building's tooltip as hovering does, through the chart, so the test does not
  // depend on where a pixel falls.
  const shown = await worker.evaluate((name) => {
    const chart = echarts.getInstanceByDom(document.getElementById('map'));
    const series = chart.getOption().series;
    for (let s = 0; s < series.length; s++) {
      const i = series[s].data.findIndex((p) => p[2] === name);
      if (i >= 0) {
        chart.dispatchAction({ type: 'showTip', seriesIndex: s, dataIndex: i });
        return true;
      }
    }
    return false;
  }, evil);
  assert.equal(shown, true, 'the building is on the map');
  const tip = worker.locator('#map div', { hasText: 'onerror' }).last();
  await tip.waitFor();
  assert.match(await tip.textContent(), /<img src=x onerror=/, 'the name is shown as text');
  assert.equal(await worker.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await worker.locator('#map img').count(), 0, 'no element was made from the name');
  await worker.screenshot({ path: join(shots, '22-map-tooltip-escaped.png') });
  assert.deepEqual(errors, []);
  await worker.context().close();
});

test('a suggested site named like a script is drawn as text in the service circle and its map tooltip', async () => {
  const street = await signIn('street');
  const errors = [];
  street.on('pageerror', (e) => errors.push(e.message));
  street.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  await street.goto(`${base}/`);
  const csrf = await street.evaluate(() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']);
  const scope = 'within=C350302001001&k=1&minutes=5';
  const first = await (await street.request.get(`${base}/api/v1/circle/siting?${scope}`)).json();
  assert.equal(first.sites.length, 1, JSON.stringify(first));
  // A building at the very point of the best site: as good a site, and listed before it (a
  // quote sorts before every other name), so siting now suggests it.
  const evil = '"><img src=x onerror="window.__xss=5">';
  const r = await street.request.post(`${base}/api/v1/grid-places`, {
    data: { kind: 'building', name: evil, lon: first.sites[0].lon, lat: first.sites[0].lat, households: 1 },
    headers: { 'x-csrf-token': csrf },
  });
  assert.ok(r.ok(), `${r.status()} ${await r.text()}`);
  await street.goto(`${base}/circle?${scope}`);
  await street.waitForSelector('#circle-map canvas');
  assert.match(await street.textContent('.siting'), /"><img src=x onerror="window.__xss=5">/, 'the table shows the name as written');
  const shown = await street.evaluate(() => {
    const chart = echarts.getInstanceByDom(document.getElementById('circle-map'));
    const sites = chart.getOption().series[2].data;
    if (sites.length !== 1) return false;
    chart.dispatchAction({ type: 'showTip', seriesIndex: 2, dataIndex: 0 });
    return true;
  });
  assert.equal(shown, true, 'the suggested site is on the map');
  const tip = street.locator('#circle-map div', { hasText: 'onerror' }).last();
  await tip.waitFor();
  assert.match(await tip.textContent(), /<img src=x onerror=/, 'the tooltip shows the name as text');
  assert.equal(await street.evaluate(() => window.__xss), undefined, 'no script ran');
  assert.equal(await street.locator('main img[src=x]').count(), 0, 'no element was made from the name');
  await street.screenshot({ path: join(shots, '49-circle-site-escaped.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await street.context().close();
});

test('free text shaped like scripts is shown as text on every page that draws it', async () => {
  const street = await signIn('street');
  const errors = [];
  street.on('pageerror', (e) => errors.push(e.message));
  street.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  await street.goto(`${base}/`);
  const csrf = await street.evaluate(() => JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token']);
  const post = async (path, body) => {
    const r = await street.request.post(`${base}/api/v1${path}`, { data: body, headers: { 'x-csrf-token': csrf } });
    assert.ok(r.ok(), `${path}: ${r.status()} ${await r.text()}`);
    return r.json();
  };
  const corpus = [
    '<img src=x onerror="window.__xss=1">',
    '<script>window.__xss=2</script>',
    '"><svg onload="window.__xss=3">',
    "'-alert(4)-'",
  ];
  const get = async (path) => (await street.request.get(`${base}/api/v1${path}`)).json();
  const first = (await get('/orgs?within=C350302001001&level=branch&per_page=1')).items[0];
  const branch = first.code ?? first.row.code;
  const grid = (await get('/grids?within=C350302001001'))[0].code;
  const pages = [];
  for (const [i, evil] of corpus.entries()) {
    const g = await post('/orgs', { code: `XSS${i}`, name: `小组${evil}`, level: 'group', parent: branch, division_code: '350302001001' });
    pages.push(`/orgs/${g.code ?? g.row.code}`);
    const m = await post('/meetings', { org: branch, kind: 'themed_day', held_on: '2025-03-0' + (i + 1), topic: `主题${evil}`, place: evil, host: `主持${i}`, minutes: evil, follow_up: evil });
    pages.push(`/meetings/${m.id}`);
    await post('/grid-teams', { grid, role: 'volunteer', name: `志愿${evil}`.slice(0, 40) });
    const c = await post('/cases', { channel: 'hotline', category: 'garbage', title: `案件${evil}`, description: evil, address: evil, community: 'C350302001001', reporter_name: `王${i}`, idempotency_key: `xss-${i}` });
    pages.push(`/cases/${c.id}`);
    const u = await post('/units', { name: `单位${evil}`, category: 'private_enterprise', division_code: '350302001001', address: evil });
    pages.push(`/units/${u.id}`);
    const today = new Date(Date.now() + 8 * 3600e3).toISOString().slice(0, 10);
    const a = await post('/agreements', { unit_id: u.id, org: 'C350302001001', commitments: [{ title: `承诺${evil}`, due_on: today }] });
    pages.push(`/cobuilding/${a.id ?? a.agreement.id}`);
    await post('/wishes', { community: 'C350302001001', title: `心愿${evil}`, detail: evil, resident: `张${i}` });
    // The four lists and red errands.
    const n = await post('/needs', { community: 'C350302001001', category: 'convenience.haircut', title: `需求${evil}`, detail: evil });
    pages.push(`/needs/${n.id}`);
    const r = await post('/resources', { community: 'C350302001001', kind: 'venue', category: 'convenience.haircut', title: `资源${evil}`, detail: evil, capacity: 10 });
    pages.push(`/resources/${r.id}`);
    const pr = await post('/problems', { community: 'C350302001001', title: `问题${evil}`, detail: evil, owner: `牵头${evil}`.slice(0, 30), due_on: new Date(Date.now() + 30 * 86400e3).toISOString().slice(0, 10) });
    pages.push(`/problems/${pr.id}`);
    const due = new Date(Date.now() + 56 * 3600e3).toISOString().slice(0, 16).replace('T', ' ');
    const e = await post('/errands', { community: 'C350302001001', kind: 'bills', title: `代办${evil}`, detail: evil, due_at: due, for_whom: `李${i}` });
    pages.push(`/errands/${e.id}`);
  }
  pages.push('/needs?within=C350302001001', '/resources?within=C350302001001', '/problems?within=C350302001001', '/errands?within=C350302001001', '/matching?within=C350302001001');
  pages.push('/cases', '/units?q=%E5%8D%95%E4%BD%8D', '/wishes?within=C350302001001', `/orgs/${branch}`, `/meetings?org=${branch}&from=2025-03-01&to=2025-03-05`, '/grids?within=C350302001001');
  for (const path of pages) {
    await street.goto(`${base}${path}`);
    const text = await street.textContent('main');
    assert.ok(corpus.some((evil) => text.includes(evil)), `${path} shows the text as written`);
    assert.equal(await street.evaluate(() => window.__xss), undefined, `no script ran on ${path}`);
    assert.equal(await street.locator('main img[src=x], main svg[onload]').count(), 0, `no element was made on ${path}`);
  }
  // The org picker's list draws the same names, swapped in by htmx.
  await street.goto(`${base}/members`);
  await street.locator('.picker input[name=within]').pressSequentially('小组', { delay: 30 });
  await street.locator('.picks button[data-code^="XSS"]').first().waitFor();
  const picks = await street.textContent('.picks');
  assert.ok(corpus.some((evil) => picks.includes(evil)), 'the picker shows the names as written');
  assert.equal(await street.evaluate(() => window.__xss), undefined, 'no script ran in the picker');
  assert.equal(await street.locator('.picks img[src=x], .picks svg[onload]').count(), 0, 'no element was made in the picker');
  await street.screenshot({ path: join(shots, '23-xss-as-text.png'), fullPage: true });
  assert.deepEqual(errors, []);
  await street.context().close();
});

test('a member claims a micro-wish on the phone and sees it count once fulfilled', async () => {
  const secretary = await signIn('secretary');
  await secretary.goto(`${base}/wishes`);
  await secretary.fill('.wish-form input[name=community]', 'C350302001001');
  await secretary.fill('.wish-form input[name=title]', '浏览器测试：想要一副老花镜');
  await secretary.fill('.wish-form input[name=resident]', '王奶奶');
  await Promise.all([secretary.waitForURL(/\/wishes\?status=open$/), secretary.click('.wish-form button[type=submit]')]);

  const member = await signIn('member');
  await member.setViewportSize({ width: 390, height: 844 });
  await Promise.all([member.waitForURL(/\/wishes/), member.click('main a[href="/wishes?status=open"]')]);
  const card = member.locator('.wish-cards li', { hasText: '浏览器测试：想要一副老花镜' });
  assert.equal(await card.count(), 1, 'the wish of the community the member lives in');
  assert.doesNotMatch(await card.textContent(), /王奶奶/, 'the resident is not shown to members');
  await card.locator('button', { hasText: '我来认领' }).click();
  await member.locator('.wish-cards li', { hasText: '浏览器测试：想要一副老花镜' }).locator('.tag', { hasText: '已认领' }).waitFor();
  await member.goto(`${base}/wishes?status=claimed`);
  assert.match(await member.textContent('.wish-cards'), /浏览器测试：想要一副老花镜/);
  await member.screenshot({ path: join(shots, '22-wish-claimed-phone.png'), fullPage: true });

  await secretary.goto(`${base}/wishes?status=claimed`);
  const claimed = secretary.locator('.wish-cards li', { hasText: '浏览器测试：想要一副老花镜' });
  await claimed.locator('button', { hasText: '确认实现' }).click();
  await secretary.locator('.wish-cards li', { hasText: '浏览器测试：想要一副老花镜' }).locator('.tag', { hasText: '已实现' }).waitFor();
  await secretary.context().close();

  await member.goto(`${base}/`);
  await member.click('main a[href$="/points"]');
  await member.waitForSelector('table.wishes');
  assert.match(await member.textContent('table.wishes'), /浏览器测试：想要一副老花镜/);
  await member.screenshot({ path: join(shots, '23-wish-on-ledger.png'), fullPage: true });
  await member.context().close();
});

test('a resident signs up on a phone with a code, and the community worker confirms them', async () => {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await phone.goto(`${base}/resident`);
  assert.match(phone.url(), /\/resident\/login$/, 'a signed-out resident is sent to the code sign-in');
  await phone.fill('input[name=phone]', '13812340001');
  await Promise.all([phone.waitForSelector('#demo-code'), phone.click('button:has-text("获取验证码")')]);
  assert.match(await phone.textContent('main'), /138\*\*\*\*0001/);
  const code = (await phone.textContent('#demo-code')).trim();
  await phone.fill('input[name=sms_code]', code);
  await Promise.all([phone.waitForSelector('input[name=name]'), phone.click('form[action="/resident/login"] button[type=submit]')]);
  await phone.fill('input[name=name]', '林阿姨');
  // The community is picked by name; its mapped buildings then fill the building field.
  const community = scopes.worker.replace(/^中共/, '').replace(/委员会$/, '');
  await phone.fill('input[name=community]', community);
  await phone.locator('.picks button[data-code]').first().click();
  await phone.waitForFunction(() => document.querySelectorAll('#place_id option[value]:not([value=""])').length > 0);
  const building = await phone.$eval('#place_id option[value]:not([value=""])', (o) => o.value);
  await phone.selectOption('#place_id', building);
  await phone.screenshot({ path: join(shots, '40-resident-sign-up-phone.png'), fullPage: true });
  await Promise.all([phone.waitForURL(`${base}/resident`), phone.click('form[action="/resident/login"] button[type=submit]')]);
  assert.match(await phone.textContent('main'), /林阿姨[\s\S]*待确认/);
  assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'nothing overflows sideways');
  await phone.screenshot({ path: join(shots, '41-resident-pending-phone.png'), fullPage: true });

  const worker = await signIn('worker');
  await worker.goto(`${base}/`);
  await worker.click('main a[href="/residents"]');
  const row = worker.locator('tr[data-resident]', { hasText: '林阿姨' });
  assert.match(await row.textContent(), /138\*\*\*\*0001/, 'the phone is masked');
  await worker.screenshot({ path: join(shots, '42-residents-to-confirm.png'), fullPage: true });
  await row.locator('button', { hasText: '确认' }).first().click();
  // Confirmed, they leave the queue.
  await worker.locator('tr[data-resident]', { hasText: '林阿姨' }).waitFor({ state: 'detached' });
  await worker.context().close();

  await phone.reload();
  assert.match(await phone.textContent('main'), /已确认/);
  await context.close();
});

/** A resident signs up on a phone in the community of `confirmer` (a desk account), who
 * confirms them; the phone's context and page, and the confirmer's page. */
async function confirmedResidentOnPhone(number, name, confirmer) {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
  const phone = await context.newPage();
  await phone.goto(`${base}/resident/login`);
  await phone.fill('input[name=phone]', number);
  await Promise.all([phone.waitForSelector('#demo-code'), phone.click('button:has-text("获取验证码")')]);
  await phone.fill('input[name=sms_code]', (await phone.textContent('#demo-code')).trim());
  await Promise.all([phone.waitForSelector('input[name=name]'), phone.click('form[action="/resident/login"] button[type=submit]')]);
  await phone.fill('input[name=name]', name);
  await phone.fill('input[name=community]', scopes[confirmer].replace(/^中共/, '').replace(/委员会$/, ''));
  await phone.locator('.picks button[data-code]').first().click();
  await phone.waitForFunction(() => document.querySelectorAll('#place_id option[value]:not([value=""])').length > 0);
  await phone.selectOption('#place_id', await phone.$eval('#place_id option[value]:not([value=""])', (o) => o.value));
  await Promise.all([phone.waitForURL(`${base}/resident`), phone.click('form[action="/resident/login"] button[type=submit]')]);
  const desk = await signIn(confirmer);
  await desk.setViewportSize({ width: 1366, height: 768 });
  await desk.goto(`${base}/residents`);
  await desk.locator('tr[data-resident]', { hasText: name }).locator('button', { hasText: '确认' }).first().click();
  await desk.locator('tr[data-resident]', { hasText: name }).waitFor({ state: 'detached' });
  return { context, phone, desk };
}

test('a resident posts a need on a phone, the worker matches it to a unit\'s resource at the quarterly meeting, the project meets it, and the resident rates it', async () => {
  const users = jiceng('user', 'list').items;
  const worker = users.find((u) => u.username === 'worker');
  const liaisonUnit = users.find((u) => u.username === 'liaison').unit_id;
  // The liaison's unit serves the worker's community (双报到), unless it sits there already.
  try { jiceng('unit', 'register', String(liaisonUnit), '--community', worker.scope_code); } catch { /* already serving it */ }

  // The resident signs up on the phone and is confirmed.
  const { context, phone, desk } = await confirmedResidentOnPhone('13812340002', '郑大爷', 'worker');

  // The resident posts a need from the phone; it waits for review.
  await phone.reload();
  await Promise.all([phone.waitForURL(`${base}/needs`), phone.click('main a[href="/needs"]')]);
  await phone.selectOption('select[name=category]', 'convenience.haircut');
  await phone.fill('input[name=title]', '浏览器测试：老伴卧床，需要上门理发');
  await phone.fill('input[name=people]', '2');
  await Promise.all([phone.waitForURL(/\/needs\/\d+$/), phone.click('.need-form button[type=submit]')]);
  const needId = phone.url().split('/').pop();
  assert.match(await phone.textContent('main'), /待审核/);
  assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'nothing overflows sideways');
  await phone.screenshot({ path: join(shots, '43-resident-need-phone.png'), fullPage: true });

  // The worker approves it; the unit's liaison offers a resource to the community.
  await desk.goto(`${base}/needs/${needId}`);
  await desk.click('button:has-text("审核通过")');
  await desk.locator('h1 .tag', { hasText: '待对接' }).waitFor();
  const liaison = await signIn('liaison');
  await liaison.setViewportSize({ width: 1366, height: 768 });
  await liaison.goto(`${base}/resources`);
  await liaison.click('.resource-form summary');
  await liaison.fill('.resource-form input[name=community]', worker.scope_code);
  await liaison.selectOption('.resource-form select[name=kind]', 'volunteers');
  await liaison.selectOption('.resource-form select[name=category]', 'convenience.haircut');
  await liaison.fill('.resource-form input[name=title]', '浏览器测试：周末志愿理发队，为卧床老人上门理发');
  await liaison.fill('.resource-form input[name=capacity]', '30');
  await liaison.check('.resource-form input[name=day6]');
  await liaison.check('.resource-form input[name=day7]');
  await Promise.all([liaison.waitForURL(/\/resources\/\d+$/), liaison.click('.resource-form button[type=submit]')]);
  const resourceId = liaison.url().split('/').pop();
  await liaison.context().close();

  // At the quarterly meeting the worker ticks the need with the suggested resource.
  await desk.goto(`${base}/matching`);
  const item = desk.locator(`section.match[data-need="${needId}"]`);
  await item.waitFor();
  assert.equal(await item.locator(`input[name="resource_${needId}"][value="${resourceId}"]`).isChecked(), true, 'the unit\'s resource is suggested first');
  assert.match(await item.textContent(), /同类.*周六、周日可用.*关键词/s);
  await item.locator(`input[name="accept_${needId}"]`).check();
  await item.screenshot({ path: join(shots, '44-matching-meeting.png') });
  await Promise.all([desk.waitForURL(/\/projects\?status=planned&made=1$/), desk.click('button:has-text("确认对接，转为项目")')]);
  await desk.screenshot({ path: join(shots, '45-projects-made.png'), fullPage: true });
  await desk.locator('tr[data-project] a', { hasText: '浏览器测试：老伴卧床' }).click();
  await desk.waitForURL(/\/projects\/\d+$/);
  await desk.click('button:has-text("开始实施")');
  await desk.locator('.finish-form').waitFor();
  await desk.fill('.finish-form textarea[name=note]', '志愿者周六上门，为两位老人理发');
  await desk.click('.finish-form button[type=submit]');
  await desk.locator('h1 .tag', { hasText: '已完成' }).waitFor();

  // The resident sees it met and rates what was done.
  await phone.goto(`${base}/needs/${needId}`);
  assert.match(await phone.textContent('main'), /已满足/);
  await phone.check('.rate-form input[name=rating][value="5"]');
  await phone.fill('.rate-form input[name=note]', '很耐心，谢谢');
  await phone.click('.rate-form button[type=submit]');
  await phone.locator('.rate-form').waitFor({ state: 'detached' });
  assert.match(await phone.textContent('main'), /★★★★★/);
  await phone.screenshot({ path: join(shots, '46-resident-rated-phone.png'), fullPage: true });
  await desk.reload();
  assert.match(await desk.textContent('main'), /5\.0/, 'the project carries the resident\'s rating');
  await desk.context().close();
  await context.close();
});

test('a resident posts a micro-wish on a phone; the community approves it, a member takes it, and the resident rates it', async () => {
  const { context, phone, desk } = await confirmedResidentOnPhone('13812340003', '吴奶奶', 'secretary');
  await phone.reload();
  await Promise.all([phone.waitForURL(`${base}/wishes`), phone.click('main a[href="/wishes"]')]);
  await phone.fill('.wish-form input[name=title]', '浏览器测试：想要一台收音机');
  await Promise.all([phone.waitForURL(/\/wishes\?status=pending$/), phone.click('.wish-form button[type=submit]')]);
  assert.match(await phone.textContent('.wish-cards'), /浏览器测试：想要一台收音机[\s\S]*待审核/);
  assert.equal(await phone.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'nothing overflows sideways');
  await phone.screenshot({ path: join(shots, '47-resident-wish-phone.png'), fullPage: true });

  // Members see nothing of it until the community approves it.
  const member = await signIn('member');
  await member.setViewportSize({ width: 390, height: 844 });
  await member.goto(`${base}/wishes`);
  assert.doesNotMatch(await member.textContent('main'), /浏览器测试：想要一台收音机/);
  await desk.goto(`${base}/`);
  await Promise.all([desk.waitForURL(/\/wishes\?status=pending$/), desk.click('main a[href="/wishes?status=pending"]')]);
  const waiting = desk.locator('.wish-cards li', { hasText: '浏览器测试：想要一台收音机' });
  assert.match(await waiting.textContent(), /吴奶奶/, 'the community sees who asked');
  await waiting.locator('button', { hasText: '审核通过' }).click();
  await desk.locator('.wish-cards li', { hasText: '浏览器测试：想要一台收音机' }).locator('.tag', { hasText: '待认领' }).waitFor();

  await member.goto(`${base}/wishes?status=open`);
  const card = member.locator('.wish-cards li', { hasText: '浏览器测试：想要一台收音机' });
  assert.doesNotMatch(await card.textContent(), /吴奶奶/, 'the resident is not shown to members');
  await card.locator('button', { hasText: '我来认领' }).click();
  await member.locator('.wish-cards li', { hasText: '浏览器测试：想要一台收音机' }).locator('.tag', { hasText: '已认领' }).waitFor();
  await desk.goto(`${base}/wishes?status=claimed`);
  await desk.locator('.wish-cards li', { hasText: '浏览器测试：想要一台收音机' }).locator('button', { hasText: '确认实现' }).click();
  await desk.locator('.wish-cards li', { hasText: '浏览器测试：想要一台收音机' }).locator('.tag', { hasText: '已实现' }).waitFor();

  // The resident rates it from the phone, once.
  await phone.goto(`${base}/wishes`);
  const mine = phone.locator('.wish-cards li', { hasText: '浏览器测试：想要一台收音机' });
  await mine.locator('input[name=rating][value="4"]').check();
  await mine.locator('input[name=note]').fill('谢谢党员同志');
  await mine.locator('button', { hasText: '评价' }).click();
  await phone.locator('.wish-cards li .rate-form').waitFor({ state: 'detached' });
  assert.match(await phone.textContent('.wish-cards'), /★★★★☆ 谢谢党员同志/);
  await phone.screenshot({ path: join(shots, '48-resident-wish-rated-phone.png'), fullPage: true });
  await member.context().close();
  await desk.context().close();
  await context.close();
});

/** Time passes for an activity: its times, and the check-ins taken so far, move `minutes`
 * into the past, as if the morning had gone by (the server reads the clock; the test cannot
 * wait three hours). */
function timePasses(activity, minutes) {
  const shift = (col) => `${col} = strftime('%Y-%m-%dT%H:%M:%S+00:00', ${col}, '-${minutes} minutes')`;
  execFileSync('sqlite3', ['-cmd', '.timeout 5000', join(dataDir, 'jiceng.db'),
    `UPDATE activities SET ${shift('starts_at')}, ${shift('ends_at')} WHERE id = ${activity};
     UPDATE signups SET ${shift('checked_in_at')} WHERE activity_id = ${activity} AND checked_in_at IS NOT NULL;`]);
}

test('a member signs up for a full activity, is waitlisted, promoted when someone cancels, checks in and out by QR on a phone, and finds the hours on the points ledger', async () => {
  // The worker publishes an activity with one place, starting in twenty minutes.
  const worker = await signIn('worker');
  await worker.setViewportSize({ width: 1366, height: 768 });
  await worker.goto(`${base}/activities`);
  const local = (min) => new Date(Date.now() + min * 60000 + 8 * 3600000).toISOString().slice(0, 16).replace('T', ' ');
  await worker.click('.activity-form summary');
  await worker.fill('.activity-form input[name=title]', '浏览器测试：敬老院探访');
  await worker.fill('.activity-form input[name=community]', 'C350302001001');
  await worker.fill('.activity-form input[name=place]', '城厢区敬老院');
  await worker.fill('.activity-form input[name=starts_at]', local(20));
  await worker.fill('.activity-form input[name=ends_at]', local(200));
  await worker.fill('.activity-form input[name=cancel_before_hours]', '0');
  await worker.fill('.activity-form textarea[name=roles]', '陪护员 1');
  await worker.screenshot({ path: join(shots, '60-activity-publish.png'), fullPage: true });
  await Promise.all([worker.waitForURL(/\/activities\/\d+$/), worker.click('.activity-form button[type=submit]')]);
  const activityUrl = worker.url();
  const id = Number(activityUrl.split('/').pop());

  // A resident takes the one place from the phone.
  const { context: residentContext, phone: resident, desk } = await confirmedResidentOnPhone('13812340077', '郑阿姨', 'worker');
  await desk.context().close();
  await resident.goto(`${base}/activities`);
  await Promise.all([resident.waitForURL(activityUrl), resident.click(`li[data-activity="${id}"] a`)]);
  await resident.click('.signup-form button[type=submit]');
  await resident.waitForSelector('.mine[data-state="confirmed"]');

  // The member finds it full and joins the waiting line.
  const member = await signIn('member');
  await member.setViewportSize({ width: 390, height: 844 });
  await member.click('nav.tabbar a[href="/activities"]');
  await Promise.all([member.waitForURL(activityUrl), member.click(`li[data-activity="${id}"] a`)]);
  assert.match(await member.textContent('.signup-form button'), /已满员/);
  await member.click('.signup-form button[type=submit]');
  await member.waitForSelector('.mine[data-state="waiting"]');
  assert.match(await member.textContent('.mine'), /候补顺位 1/);
  await member.screenshot({ path: join(shots, '61-activity-waitlisted-phone.png'), fullPage: true });

  // The resident cancels: the place is offered to the member, who takes it.
  await resident.click('.mine button[type=submit]:has-text("取消报名")');
  await resident.waitForSelector('.signup-form');
  await residentContext.close();
  await member.reload();
  await member.waitForSelector('.mine[data-state="offered"]');
  assert.match(await member.textContent('.mine'), /请在此时间前确认/);
  await member.screenshot({ path: join(shots, '62-activity-offered-phone.png'), fullPage: true });
  await member.click('.mine button:has-text("确认递补名额")');
  await member.waitForSelector('.mine[data-state="confirmed"]');

  // At the door the worker shows the QR codes; the member's phone opens the check-in link.
  const codeLink = async (what) => {
    await worker.goto(`${base}/activities/${id}/codes`);
    const link = await worker.locator('.qr', { hasText: what }).getAttribute('data-link');
    assert.match(link, new RegExp(`/activities/${id}/scan\\?code=`));
    return link.replace(/^https?:\/\/[^/]+/, base);
  };
  const checkIn = await codeLink('签到');
  await worker.screenshot({ path: join(shots, '63-activity-codes.png'), fullPage: true });
  await member.goto(checkIn);
  await Promise.all([member.waitForURL(activityUrl), member.click('main button.primary:has-text("签到")')]);
  assert.match(await member.textContent('.mine'), /签到 ✓/);

  // The morning goes by; the member checks out by the fresh code, and the worker confirms.
  timePasses(id, 250);
  await member.goto(await codeLink('签退'));
  await Promise.all([member.waitForURL(activityUrl), member.click('main button.primary:has-text("签退")')]);
  assert.match(await member.textContent('.mine'), /签退 ✓[\s\S]*3\.0 小时/);
  await member.screenshot({ path: join(shots, '64-activity-checked-out-phone.png'), fullPage: true });
  await worker.goto(activityUrl);
  await worker.click('button:has-text("确认工时")');
  // The same address reloads: wait for what it shows once the hours are confirmed.
  await worker.locator('h1 .tag', { hasText: '工时已确认' }).waitFor();
  assert.match(await worker.locator('tr[data-signup]', { hasNotText: '郑阿姨' }).textContent(), /已报名[\s\S]*3\.0/);
  await worker.screenshot({ path: join(shots, '65-activity-hours-confirmed.png'), fullPage: true });
  await worker.context().close();

  // The hours are on the member's points ledger.
  await member.click('nav.tabbar a[href$="/points"]');
  await member.waitForSelector('main');
  assert.match(await member.textContent('main'), /浏览器测试：敬老院探访/);
  await member.screenshot({ path: join(shots, '66-activity-hours-on-ledger-phone.png'), fullPage: true });
  assert.equal(await member.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth), true, 'nothing overflows sideways');
  await member.context().close();
});

test("a community's booking of a unit's room is refused for a conflict, then approved for a free slot", async () => {
  // The unit's liaison opens its meeting room to the communities, bookings to be approved.
  const liaison = await signIn('liaison');
  await liaison.setViewportSize({ width: 1366, height: 768 });
  await liaison.goto(`${base}/rooms`);
  await liaison.click('.room-form summary');
  await liaison.fill('.room-form input[name=name]', '浏览器测试：三楼会议室');
  await liaison.fill('.room-form input[name=opens]', '08:30');
  await liaison.fill('.room-form input[name=closes]', '17:30');
  await liaison.fill('.room-form input[name=buffer_minutes]', '15');
  await Promise.all([liaison.waitForURL(/\/rooms\/\d+$/), liaison.click('.room-form button[type=submit]')]);
  const roomUrl = liaison.url();

  const day = new Date(Date.now() + 8 * 3600000 + 2 * 86400000).toISOString().slice(0, 10);
  const book = async (page, purpose, from, to, action) => {
    await page.fill('.booking-form input[name=org]', 'C350302001001');
    await page.fill('.booking-form input[name=purpose]', purpose);
    await page.fill('.booking-form input[name=starts_at]', `${day} ${from}`);
    await page.fill('.booking-form input[name=ends_at]', `${day} ${to}`);
    await page.click(`.booking-form button[value=${action}]`);
  };
  // The community's secretary holds 10:00–11:00 already.
  const secretary = await signIn('secretary');
  await secretary.goto(roomUrl);
  await book(secretary, '党员大会', '10:00', '11:00', 'book');
  await secretary.waitForSelector('li[data-booking][data-state="pending"]');
  await secretary.context().close();

  // The worker asks for 10:30: refused, the busy time named with the room's buffer.
  const worker = await signIn('worker');
  await worker.setViewportSize({ width: 1366, height: 768 });
  await worker.goto(roomUrl);
  await book(worker, '浏览器测试：居民议事会', '10:30', '11:30', 'book');
  await worker.waitForSelector('.alert');
  assert.match(await worker.textContent('.alert'), /与已有预约冲突：10:00–11:15/);
  await worker.screenshot({ path: join(shots, '67-booking-conflict.png'), fullPage: true });
  // 13:00 is free: the preview says so, and the booking waits for the unit.
  await book(worker, '浏览器测试：居民议事会', '13:00', '14:00', 'preview');
  await worker.waitForSelector('table.preview');
  assert.match(await worker.textContent('table.preview'), /可预约/);
  await worker.click('.booking-form button[value=book]');
  // The room's page again, the booking on its calendar waiting for the unit.
  await worker.locator('li[data-booking][data-state="pending"]', { hasText: '浏览器测试：居民议事会' }).waitFor();

  // The liaison approves it.
  await liaison.reload();
  const asked = liaison.locator('li[data-booking]', { hasText: '浏览器测试：居民议事会' });
  await liaison.screenshot({ path: join(shots, '68-booking-to-approve.png'), fullPage: true });
  await asked.locator('button', { hasText: '批准' }).click();
  await liaison.locator('li[data-booking][data-state="approved"]', { hasText: '浏览器测试：居民议事会' }).waitFor();
  await liaison.context().close();

  await worker.goto(`${base}/bookings`);
  const row = worker.locator('li[data-booking]', { hasText: '浏览器测试：居民议事会' });
  assert.equal(await row.getAttribute('data-state'), 'approved');
  assert.match(await row.textContent(), /已批准/);
  await worker.screenshot({ path: join(shots, '69-booking-approved.png'), fullPage: true });
  await worker.context().close();
});

test("a street ranks its members by points: ranks carry across pages and each total is the member's ledger", async () => {
  const street = await signIn('street');
  await street.setViewportSize({ width: 1366, height: 768 });
  await street.goto(`${base}/points`);
  assert.match(await street.textContent('main'), /同分同名次/, 'the definition is on the page');
  const rows = street.locator('table.ranking tbody tr');
  assert.ok(await rows.count() > 1);
  const cell = async (row, i) => (await rows.nth(row).locator('td').nth(i).textContent()).trim();
  assert.equal(await cell(0, 0), '1');
  const first = { name: await cell(0, 1), total: await cell(0, 3) };
  await street.screenshot({ path: join(shots, '24-ranking-street.png'), fullPage: true });
  const lastRank = Number(await cell((await rows.count()) - 1, 0));
  const lastTotal = Number(await cell((await rows.count()) - 1, 3));
  await Promise.all([street.waitForURL(/page=2/), street.click('main .pager a:has-text("下一页")')]);
  const next = street.locator('table.ranking tbody tr').first();
  const nextRank = Number((await next.locator('td').nth(0).textContent()).trim());
  const nextTotal = Number((await next.locator('td').nth(3).textContent()).trim());
  assert.ok(nextTotal <= lastTotal, 'the second page goes on down');
  assert.equal(nextRank, nextTotal === lastTotal ? lastRank : 51, 'a rank carries across the page');
  await street.goBack();
  await Promise.all([street.waitForURL(/\/points\?/), street.click(`table.ranking tbody tr:first-child a`)]);
  assert.match(await street.textContent('main'), new RegExp(first.name));
  assert.match(await street.textContent('main'), new RegExp(`${first.total}`), "the ledger's total is the ranking's");
  await street.setViewportSize({ width: 390, height: 844 });
  await street.goto(`${base}/points`);
  await street.screenshot({ path: join(shots, '25-ranking-phone.png'), fullPage: true });
  await street.context().close();
});

test("a community grades last year's registered members and units and progress counts each grade", async () => {
  const sec = await signIn('secretary');
  await sec.setViewportSize({ width: 1366, height: 768 });
  const year = new Date().getFullYear() - 1;
  await sec.goto(`${base}/evaluations?year=${year}`);
  const main = sec.locator('main');
  assert.match(await main.textContent(), /应评：当年任何一天在社区报到/, 'the definition is on the page');
  const progress = async () => {
    const line = (await sec.locator('main p.muted').first().textContent()).replace(/\s+/g, ' ');
    return [...line.matchAll(/(\d+) \/ (\d+)/g)].reduce((acc, m) => [acc[0] + Number(m[1]), acc[1] + Number(m[2])], [0, 0]);
  };
  const [done, owed] = await progress();
  assert.ok(owed > 0 && done < owed, `pairs owed and some pending: ${done} / ${owed}`);
  await sec.goto(`${base}/evaluations?year=${year}&pending=1`);
  const pending = sec.locator('table.evaluations tbody tr');
  const firstRated = await pending.first().getAttribute('data-rated');
  await pending.first().locator('select[name=grade]').selectOption('good');
  await pending.first().locator('input[name=comment]').fill('报到后参加了三次社区活动');
  await Promise.all([
    // The grade posts, then the desk loads again as it was filtered.
    sec.waitForEvent('load'),
    pending.first().locator('button[type=submit]').click(),
  ]);
  await sec.goto(`${base}/evaluations?year=${year}`);
  const [doneAfter, owedAfter] = await progress();
  assert.deepEqual([doneAfter, owedAfter], [done + 1, owed], 'one more graded, as many owed');
  await sec.goto(`${base}/evaluations?year=${year}`);
  const graded = sec.locator(`table.evaluations tbody tr[data-rated="${firstRated}"]`);
  assert.match(await graded.first().textContent(), /报到后参加了三次社区活动/, 'the grade shows on its pair');
  await sec.screenshot({ path: join(shots, '34-evaluations.png'), fullPage: true });
  assert.ok(firstRated, 'a pending pair was there to grade');
  await sec.setViewportSize({ width: 390, height: 844 });
  await sec.goto(`${base}/evaluations?year=${year}`);
  await sec.screenshot({ path: join(shots, '35-evaluations-phone.png'), fullPage: true });
  await sec.context().close();
});

test('the API reference lists every operation and each schema with its typed fields', async () => {
  const admin = await signIn('admin');
  await admin.setViewportSize({ width: 1366, height: 768 });
  await admin.goto(`${base}/api`);
  const rows = admin.locator('main table tbody tr');
  assert.ok((await rows.count()) > 150, 'operations and schema fields are listed');
  const show = admin.locator('main tr', { hasText: '/api/v1/cases/{id}' }).first();
  assert.match(await show.textContent(), /CaseDetail/);
  await show.locator('a[href="#schema-CaseDetail"]').click();
  await admin.waitForURL(/#schema-CaseDetail$/);
  const ids = admin.locator('#schema-Wish tr', { hasText: 'posted_on' });
  assert.match(await ids.textContent(), /string\(date\)/, 'dates are typed as dates');
  const status = admin.locator('#schema-CaseStatus p');
  assert.match(await status.textContent(), /dispatched/, 'an enumeration lists its codes');
  await admin.goto(`${base}/api`);
  await admin.screenshot({ path: join(shots, '24-api-reference.png') });
  await admin.setViewportSize({ width: 390, height: 844 });
  const width = await admin.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no horizontal scrolling on a phone (${width}px)`);
  await admin.screenshot({ path: join(shots, '25-api-reference-phone.png') });
  await admin.context().close();
});

test('an org is picked by typing its name, not its code', async () => {
  const page = await signIn('street');
  await page.goto(`${base}/members`);
  const field = page.locator('.picker input[name=within]');
  await field.pressSequentially('社区', { delay: 30 });
  const first = page.locator('.picks button[data-code]').first();
  await first.waitFor();
  const code = await first.getAttribute('data-code');
  await page.screenshot({ path: join(shots, '38-org-picker.png') });
  await first.click();
  assert.equal(await field.inputValue(), code, 'the picked org\'s code is in the field');
  await Promise.all([page.waitForURL(/within=/), page.click('form.filters button[type=submit]')]);
  assert.ok(await page.locator('table tbody tr').count() > 0, 'members of the picked org');
  // Or browsed as a tree: the top of the scope opens to the orgs below it.
  await page.locator('.picker input[name=within]').fill('');
  await page.click('.picker button.browse');
  const open = page.locator('.picks button.open').first();
  await open.waitFor();
  await open.click();
  const child = page.locator('.picks .sub button[data-code]').first();
  await child.waitFor();
  const childCode = await child.getAttribute('data-code');
  await page.screenshot({ path: join(shots, '38b-org-picker-tree.png') });
  await child.click();
  assert.equal(await page.locator('.picker input[name=within]').inputValue(), childCode, 'picked from the tree');
  // The meeting form redraws for the org picked: its members are listed for marking absences.
  await page.goto(`${base}/meetings/new`);
  await page.locator('.picker input[name=org]').pressSequentially('支部', { delay: 30 });
  const branch = page.locator('.picks button[data-code]').first();
  await branch.waitFor();
  const branchCode = await branch.getAttribute('data-code');
  await branch.click();
  await page.locator('input[name=absent]').first().waitFor();
  assert.equal(await page.locator('.picker input[name=org]').inputValue(), branchCode);
  await page.context().close();
});

// The demo's grid worker signed in on a 390×844 phone whose position (granted) is a point
// inside a grid of the demo's first community.
async function gridWorkerOnPhone() {
  const desk = await signIn('street');
  await desk.goto(`${base}/grids?within=C350302001001`);
  const grids = JSON.parse(await desk.textContent('#grids'));
  const ring = grids.features[0].geometry.coordinates[0];
  const [longitude, latitude] = ring.slice(0, -1).reduce(([x, y], [a, b]) => [x + a / (ring.length - 1), y + b / (ring.length - 1)], [0, 0]);
  await desk.context().close();
  const context = await browser.newContext({
    locale: 'zh-CN', viewport: { width: 390, height: 844 }, permissions: ['geolocation'], geolocation: { longitude, latitude },
  });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', 'grid');
  await page.fill('input[name=password]', password);
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  return { context, page };
}

test('a grid worker reports a case from the phone: located, a photo, a category, a title, in six taps', async () => {
  const { context, page } = await gridWorkerOnPhone();
  let taps = 0;
  const tap = async (locator) => { taps += 1; await locator.click(); };
  await tap(page.locator('nav.tabbar a', { hasText: '上报' }));
  await page.waitForURL(/\/cases\/new$/);
  await page.waitForFunction(() => document.querySelector('input[name=lon]').value !== '');
  assert.match(await page.textContent('#located'), /已定位/, 'located without a tap');
  taps += 2; // the photo button, then the camera's shutter (or a photo of the album)
  await page.setInputFiles('input[name=photo_intake]', phonePhoto);
  await page.locator('#photo-preview img').waitFor();
  const common = page.locator('#common-categories button').first();
  const category = await common.getAttribute('data-category');
  await tap(common);
  assert.equal(await page.inputValue('select[name=category]'), category, 'one tap chose the category');
  assert.equal(await common.getAttribute('aria-pressed'), 'true');
  await tap(page.locator('input[name=title]'));
  await page.keyboard.type('楼道堆放杂物');
  await page.screenshot({ path: join(shots, '39-case-from-phone.png'), fullPage: true });
  taps += 1;
  await Promise.all([page.waitForURL(/\/cases\/\d+/), page.click('form button.primary')]);
  assert.ok(taps <= 6, `${taps} taps`);
  const main = await page.textContent('main');
  assert.match(main, /楼道堆放杂物/);
  assert.match(main, /网格员上报/, "the channel follows the role");
  await page.waitForFunction(() => [...document.querySelectorAll('.photo-strip img')].every((i) => i.complete));
  assert.deepEqual(await photosShown(page), [true], 'the photo is on the case');
  await page.screenshot({ path: join(shots, '39b-case-with-photo.png'), fullPage: true });
  await context.close();
});

test('the case form shows the position on a small map of the grids, and a tap corrects it', async () => {
  const { context, page } = await gridWorkerOnPhone();
  await page.goto(`${base}/cases/new`);
  await page.locator('#case-map canvas').waitFor();
  assert.match(await page.textContent('#case-grid'), /所在网格：.+（\d+）/, 'the grid holding the position is named');
  const before = Number(await page.inputValue('input[name=lon]'));
  await page.locator('#case-map').scrollIntoViewIfNeeded();
  const box = await page.locator('#case-map').boundingBox();
  await page.mouse.click(box.x + box.width / 2 + 40, box.y + box.height / 2);
  await page.waitForFunction((x) => Number(document.querySelector('input[name=lon]').value) > x, before);
  assert.ok(Number(await page.inputValue('input[name=lon]')) - before < 0.01, 'moved a little east');
  await page.screenshot({ path: join(shots, '39c-case-map-corrected.png'), fullPage: true });
  await context.close();
});

test('every page of every role, at 1366×768 and 390×844: nothing overflows sideways and the console logs no error', async () => {
  const dir = join(shots, 'console');
  mkdirSync(dir, { recursive: true });
  const failures = [];
  for (const username of accounts) {
    for (const [width, height] of [[1366, 768], [390, 844]]) {
      const context = await browser.newContext({ locale: 'zh-CN', viewport: { width, height } });
      const page = await context.newPage();
      const errors = [];
      page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
      page.on('pageerror', (e) => errors.push(String(e)));
      await page.goto(`${base}/login`);
      await page.fill('input[name=username]', username);
      await page.fill('input[name=password]', password);
      await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
      const hrefs = await page.$$eval('aside.side a, nav.tabbar a', (as) => [...new Set(as.map((a) => a.getAttribute('href')))]);
      assert.ok(hrefs.length > 1, `${username} has a console`);
      for (const href of hrefs) {
        errors.length = 0;
        const response = await page.goto(`${base}${href}`);
        await page.waitForLoadState('load');
        const over = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
        const slug = href.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home';
        await page.screenshot({ path: join(dir, `${username}-${width}-${slug}.png`) });
        // Two of them for the README.
        if (username === 'admin' && width === 1366 && href === '/members') await page.screenshot({ path: join(shots, '36-console-desk.png') });
        if (username === 'grid' && width === 390 && href === '/patrols') await page.screenshot({ path: join(shots, '37-console-grid-phone.png') });
        if (response.status() !== 200) failures.push(`${username} ${width} ${href}: status ${response.status()}`);
        if (over > 0) failures.push(`${username} ${width} ${href}: ${over}px wider than the screen`);
        if (errors.length) failures.push(`${username} ${width} ${href}: ${errors.join(' | ')}`);
      }
      await context.close();
    }
  }
  assert.deepEqual(failures, []);
});

test('a reset password must be changed at the next sign-in, and the login log shows it', async () => {
  // The administrator resets it from the accounts list; a weak one is named first.
  const reset = await signIn('admin');
  await reset.goto(`${base}/users`);
  const row = reset.locator('table.users tbody tr:has(td.mono:text-is("worker"))');
  await row.locator('form.password-reset input[name=password]').fill('short');
  await row.locator('form.password-reset button').click();
  await reset.waitForSelector('p.alert');
  assert.match(await reset.textContent('p.alert'), /至少 8 位|密码/);
  await row.locator('form.password-reset input[name=password]').fill('Reset-by-admin-9');
  await Promise.all([reset.waitForURL(`${base}/users`), row.locator('form.password-reset button').click()]);
  await reset.context().close();
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('input[name=username]', 'worker');
  await page.fill('input[name=password]', 'Reset-by-admin-9');
  await Promise.all([page.waitForURL(`${base}/password`), page.click('button[type=submit]')]);
  assert.match(await page.textContent('main'), /请先修改密码/);
  await page.goto(`${base}/members`);
  assert.equal(new URL(page.url()).pathname, '/password', 'nothing else opens until it is changed');
  await page.fill('input[name=old_password]', 'Reset-by-admin-9');
  await page.fill('input[name=new_password]', 'weakpass');
  await page.fill('input[name=confirm]', 'weakpass');
  await page.click('main button[type=submit]');
  await page.waitForFunction(() => document.querySelector('main').textContent.includes('至少 3 种'));
  await page.screenshot({ path: join(shots, '26-forced-password-change-phone.png'), fullPage: true });
  await page.fill('input[name=old_password]', 'Reset-by-admin-9');
  await page.fill('input[name=new_password]', 'Own-choice-2026');
  await page.fill('input[name=confirm]', 'Own-choice-2026');
  await page.click('main button[type=submit]');
  await page.waitForSelector('p.ok');
  await page.goto(`${base}/members`);
  assert.equal(new URL(page.url()).pathname, '/members', 'changed, the session reaches the rest');
  await context.close();

  const admin = await signIn('admin');
  await admin.setViewportSize({ width: 1366, height: 768 });
  await admin.goto(`${base}/login-log?username=worker`);
  const rows = await admin.locator('table.login-log tbody tr').allTextContents();
  assert.ok(rows.some((r) => r.includes('须修改密码')), 'the sign-in that had to change its password');
  await admin.screenshot({ path: join(shots, '27-login-log.png'), fullPage: true });
  await admin.context().close();
});

// RFC 6238, as an authenticator app computes it: HMAC-SHA1 over the 30-second step.
function base32(s) {
  const abc = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = 0, value = 0; const out = [];
  for (const c of s.replace(/=+$/, '')) {
    value = (value << 5) | abc.indexOf(c); bits += 5;
    if (bits >= 8) { bits -= 8; out.push((value >>> bits) & 255); }
  }
  return Buffer.from(out);
}
function totp(secret, step) {
  const counter = Buffer.alloc(8);
  counter.writeBigInt64BE(BigInt(step));
  const h = createHmac('sha1', base32(secret)).update(counter).digest();
  const o = h[h.length - 1] & 15;
  const n = ((h[o] & 127) << 24) | (h[o + 1] << 16) | (h[o + 2] << 8) | h[o + 3];
  return String(n % 1e6).padStart(6, '0');
}

test('an administrator enrols in the second factor with a QR code, then signs in with a code', async () => {
  jiceng('user', 'add', '--username', 'totpadmin', '--admin', '--password', 'Totp-admin-2026');
  jiceng('user', 'password-policy', '--second-factor-for-admins', 'true');
  try {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const signIn = async () => {
      await page.goto(`${base}/login`);
      await page.fill('input[name=username]', 'totpadmin');
      await page.fill('input[name=password]', 'Totp-admin-2026');
      await Promise.all([page.waitForURL(`${base}/totp`), page.click('button[type=submit]')]);
    };
    await signIn();
    assert.equal(await page.locator('#totp .qr svg').count(), 1, 'a QR code to scan');
    await page.goto(`${base}/members`);
    assert.equal(new URL(page.url()).pathname, '/totp', 'nothing else opens until it is given');
    const secret = (await page.textContent('code.secret')).trim();
    await page.screenshot({ path: join(shots, '28-second-factor-enrol-phone.png'), fullPage: true });
    const step = Math.floor(Date.now() / 30000);
    await page.fill('input[name=code]', totp(secret, step));
    await page.click('#totp button[type=submit]');
    await page.waitForSelector('ul.recovery li');
    assert.equal(await page.locator('ul.recovery li').count(), 10, 'ten recovery codes, shown once');
    await Promise.all([page.waitForURL(`${base}/`), page.click('#totp a.button')]);
    // A new sign-in, as from another browser.
    await context.clearCookies();
    await signIn();
    assert.equal(await page.locator('#totp .qr svg').count(), 0, 'enrolled: only the code is asked');
    await page.fill('input[name=code]', '000000');
    await page.click('#totp button[type=submit]');
    await page.waitForSelector('p.alert');
    await page.fill('input[name=code]', totp(secret, step + 1));
    await Promise.all([page.waitForURL(`${base}/`), page.click('#totp button[type=submit]')]);
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto(`${base}/login-log?username=totpadmin`);
    const rows = await page.locator('table.login-log tbody tr').allTextContents();
    assert.ok(rows.some((r) => r.includes('二次验证通过')), 'the code is in the login log');
    assert.ok(rows.some((r) => r.includes('二次验证失败')), 'so is the wrong one');
    await page.screenshot({ path: join(shots, '29-login-log-second-factor.png'), fullPage: true });
    await context.close();
  } finally {
    jiceng('user', 'password-policy', '--second-factor-for-admins', 'false');
  }
});

test('the security administrator keeps the logs and the audit administrator verifies the chain', async () => {
  jiceng('user', 'add', '--username', 'secadmin', '--role', 'security_admin', '--password', 'Sec-admin-2026');
  jiceng('user', 'add', '--username', 'audadmin', '--role', 'audit_admin', '--password', 'Aud-admin-2026');
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 768 } });
  const page = await context.newPage();
  const signInAs = async (username, pw, home) => {
    await context.clearCookies();
    await page.goto(`${base}/login`);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', pw);
    await Promise.all([page.waitForURL(`${base}${home}`), page.click('button[type=submit]')]);
  };
  // The security administrator starts at the security settings and sees no business menu.
  await signInAs('secadmin', 'Sec-admin-2026', '/security');
  assert.equal(await page.locator('aside.side a[href="/members"]').count(), 0, 'no records for a duty administrator');
  await page.fill('#retention input[name=days]', '90');
  await page.click('#retention button[type=submit]');
  await page.waitForSelector('p.alert');
  assert.match(await page.textContent('p.alert'), /180/, 'the floor is named');
  await page.fill('#retention input[name=days]', '365');
  await Promise.all([page.waitForURL(`${base}/security#retention`), page.click('#retention button[type=submit]')]);
  await page.waitForSelector('#duties tbody tr');
  assert.equal(await page.inputValue('#retention input[name=days]'), '365');
  assert.equal(await page.locator('#duties tbody tr').count(), 3, 'the three duties and their holders');
  await page.screenshot({ path: join(shots, '30-security-settings.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shots, '31-security-settings-phone.png'), fullPage: true });
  await page.setViewportSize({ width: 1366, height: 768 });
  await page.goto(`${base}/users`);
  assert.ok(await page.locator('form.role-change').count() > 0, 'roles are changed from the list');
  assert.equal(await page.locator('a[href="/users/new"]').count(), 0, 'accounts are added by the system administrator');
  await page.screenshot({ path: join(shots, '34-accounts-role-change.png') });
  // The audit administrator reads and verifies; that reading is itself in the trail.
  await signInAs('audadmin', 'Aud-admin-2026', '/audit');
  await Promise.all([page.waitForURL(/verify=1/), page.click('#chain button[type=submit]')]);
  assert.match(await page.textContent('#chain [role=status]'), /审计链完整/);
  await page.goto(`${base}/audit?actor=user:audadmin`);
  const ops = await page.locator('table tbody tr').allTextContents();
  assert.ok(ops.some((r) => r.includes('audit.verify')), 'the verification is audited');
  await page.screenshot({ path: join(shots, '32-audit-admin.png'), fullPage: true });
  await page.setViewportSize({ width: 390, height: 844 });
  await page.screenshot({ path: join(shots, '33-audit-admin-phone.png'), fullPage: true });
  await context.close();
});
