// The control panel in a real browser: Debian's chromium driven by playwright-core, against a running gateway.
// env: PANEL_BASE (https://127.0.0.1:PORT), CA_FILE, ARTIFACT_DIR, ACCOUNT, PASSWORD, DOMAIN. Exit 0 when every step passed.
import { readFileSync, mkdirSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { check, launchChromium, xmlRpc } from './browser_support.mjs';

const base = process.env.PANEL_BASE;
const ca = readFileSync(process.env.CA_FILE);
const artifacts = process.env.ARTIFACT_DIR;
const account = process.env.ACCOUNT;
const password = process.env.PASSWORD;
const domain = process.env.DOMAIN;

// An XML-RPC SetDyndnsIp over TLS verified against the test CA; resolves to the response body.
const setDyndnsIp = (ip, name = domain) => xmlRpc(base, ca, 'SetDyndnsIp', [account, password, name, ip]);
// A JSON API call with a bearer token; resolves to the status.
function apiPut(token, name, body) {
  return new Promise((resolve, reject) => {
    const request = https.request(`${base}/api/v1/hosts/${name}`, {
      method: 'PUT', ca, headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
    });
    request.on('error', reject);
    request.end(JSON.stringify(body));
  });
}
const isFault = (xml, code) => xml.includes('<fault>') && xml.includes(`<name>faultCode</name><value><int>${code}</int>`);

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();

  await page.goto(`${base}/panel/`);
  check(page.url().endsWith('/panel/login'), 'without a session the panel sends the browser to the login page');
  await page.getByLabel('Account').fill(account);
  await page.getByLabel('Password').fill('not-the-password');
  const refused = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
  check(refused[0].status() === 401 && (await page.content()).includes('wrong account or password'),
    'a wrong password is refused');

  await page.getByLabel('Account').fill(account);
  await page.getByLabel('Password').fill(password);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log in' }).click()]);
  check(page.url().endsWith('/panel/'), 'the right password logs in');
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === '__Host-dyndns');
  check(session && session.httpOnly && session.secure && session.sameSite === 'Strict',
    'the session cookie is HttpOnly, Secure and SameSite=Strict');
  check(!page.url().includes(password) && !page.url().includes(session.value), 'nothing secret is in the URL');

  await Promise.all([page.waitForNavigation(), page.getByRole('link', { name: domain }).click()]);
  const box = page.getByLabel(/dyndns/);
  check(await box.isChecked(), 'dyndns starts ticked');

  await box.uncheck();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
  check(!(await page.getByLabel(/dyndns/).isChecked()), 'unticking dyndns is saved');
  check(isFault(await setDyndnsIp('203.0.113.90'), 3), 'with dyndns off, SetDyndnsIp is fault 3');

  await page.getByLabel(/dyndns/).check();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Save' }).click()]);
  check(await page.getByLabel(/dyndns/).isChecked(), 'ticking dyndns is saved');
  const accepted = await setDyndnsIp('203.0.113.91');
  check(!accepted.includes('<fault>') && accepted.includes('203.0.113.91'), 'with dyndns on, SetDyndnsIp succeeds');

  await page.reload();
  const history = await page.locator('#history ~ table').innerText();
  check(history.includes('203.0.113.91') && history.includes('xmlrpc') && history.includes('panel-browser-test'),
    'the call appears in the history with its protocol and client');
  check(history.includes('DYNDNS_DISABLED'), 'the refused call appears in the history too');
  const records = await page.locator('table').first().innerText();
  check(records.includes('MX') && records.includes('NS') && records.includes('SOA'), 'the live records are shown');

  const forged = await context.request.post(`${base}/panel/dyndns`, {
    form: { domain, dyndns: 'on' }, failOnStatusCode: false, maxRedirects: 0,
  });
  check(forged.status() === 403, 'a form post without the CSRF token is refused');

  await page.getByLabel('Host name').fill(`router.${domain}`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create token' }).click()]);
  const secret = (await page.locator('#new-token').innerText()).trim();
  check(secret.length >= 22, 'a new token is shown once');
  check(!page.url().includes(secret), 'the token is not in the URL');
  await page.reload();
  check(!(await page.content()).includes(secret), 'the token is not shown again');
  check((await page.locator('#tokens ~ table').innerText()).includes(`router.${domain}`), 'the token is listed');

  // Hosts behind the router (docs/contract.md "Router prefixes"): a rule saved, a bad one refused, one removed.
  await page.getByLabel('Name behind the router').fill(`nas.${domain}`);
  await page.getByLabel('Rule', { exact: true }).fill('00-1A-2B-3C-4D-5E');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Set rule' }).click()]);
  const rules = await page.locator('#hosts ~ table').innerText();
  check(rules.includes(`nas.${domain}`) && rules.includes('00:1a:2b:3c:4d:5e'), 'a host rule is saved and shown canonical');
  await page.getByLabel('Name behind the router').fill(`cam.${domain}`);
  await page.getByLabel('Rule', { exact: true }).fill('2a00::1');
  const [badRule] = await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Set rule' }).click()]);
  check(badRule.status() === 400 && (await page.content()).includes('not an interface identifier'), 'a rule that is none is refused');
  await page.goto(`${base}/panel/domain?name=${domain}`);
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: `Remove the rule of nas.${domain}` }).click()]);
  check((await page.locator('#hosts ~ table').innerText()).includes('No host follows'), 'a host rule is removed');

  // The history as a picture: a name changed three times (and polled once unchanged) shows three marks,
  // and every picture has a text alternative that lists its changes.
  const flap = `flap.${domain}`;
  for (const ip of ['203.0.113.101', '203.0.113.102', '203.0.113.103', '203.0.113.103'])
    check(!(await setDyndnsIp(ip, flap)).includes('<fault>'), `${flap} set to ${ip}`);
  await page.goto(`${base}/panel/domain?name=${domain}`);
  const picture = page.getByRole('img', { name: `Address changes of ${flap} in the last 30 days` });
  check((await picture.locator('.change').count()) === 3, 'the picture shows one mark per change');
  check((await picture.locator('.polls').count()) === 1, 'unchanged calls are summarised apart from the changes');
  const description = await picture.locator('desc').textContent();
  check(description.startsWith('3 changes') && ['203.0.113.101', '203.0.113.102', '203.0.113.103'].every((ip) => description.includes(ip)),
    'its text alternative lists the three changes');
  // The browser's own accessibility tree (Chromium's, over CDP): every svg is an image with a name and a description.
  const cdp = await context.newCDPSession(page);
  const { nodes } = await cdp.send('Accessibility.getFullAXTree');
  const images = nodes.filter((node) => !node.ignored && ['image', 'img'].includes(node.role?.value));
  check(images.length === (await page.locator('svg').count()) && images.length > 0 &&
    images.every((image) => image.name?.value?.startsWith('Address changes of') && image.description?.value?.includes('unchanged calls')),
    `every picture (${images.length}) is an image with an accessible name and description`);

  mkdirSync(artifacts, { recursive: true });
  await page.locator('.timelines').screenshot({ path: join(artifacts, 'panel-history.png') });
  // The README shows these: each run leaves them current in the source tree, to commit with the change that moved them.
  if (process.env.SCREENSHOT_DIR) {
    mkdirSync(process.env.SCREENSHOT_DIR, { recursive: true });
    await page.locator('.timelines').screenshot({ path: join(process.env.SCREENSHOT_DIR, 'panel-history.png') });
  }
  await page.screenshot({ path: join(artifacts, 'panel-domain.png'), fullPage: true });
  if (process.env.SCREENSHOT_DIR) await page.screenshot({ path: join(process.env.SCREENSHOT_DIR, 'panel-domain.png'), fullPage: true });
  check(true, `screenshot saved to ${join(artifacts, 'panel-domain.png')}`);

  // API tokens (docs/api.md): one made for one name and addresses only, shown once, usable for that name alone, revoked.
  await page.goto(`${base}/panel/`);
  await page.getByLabel('Label').fill('backup script');
  await page.getByLabel(/^Names/).fill(`home.${domain}`);
  await page.getByLabel('router prefixes').uncheck();
  await page.getByLabel('ACME challenges').uncheck();
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Create API token' }).click()]);
  const apiToken = (await page.locator('#new-api-token').innerText()).trim();
  check(apiToken.startsWith('dyndns_') && apiToken.length === 50, 'a new API token is shown once');
  await page.reload();
  const apiTokens = await page.locator('#api-tokens ~ table').innerText();
  check(!(await page.content()).includes(apiToken) && apiTokens.includes(`home.${domain}`) && apiTokens.includes('backup script') &&
        apiTokens.includes('address') && !apiTokens.includes('acme'), 'the API token is listed with its scope, not its secret');
  check(await apiPut(apiToken, `home.${domain}`, { a: ['192.0.2.123'] }) === 200, 'the API token sets its name');
  check(await apiPut(apiToken, `www.${domain}`, { a: ['192.0.2.124'] }) === 403, 'the API token cannot set another name');
  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: /Revoke API token/ }).click()]);
  check((await page.locator('#api-tokens ~ table').innerText()).includes('No API tokens'), 'the API token is revoked');
  check(await apiPut(apiToken, `home.${domain}`, { a: ['192.0.2.125'] }) === 401, 'a revoked API token is refused');

  await Promise.all([page.waitForNavigation(), page.getByRole('button', { name: 'Log out' }).click()]);
  await page.goto(`${base}/panel/`);
  check(page.url().endsWith('/panel/login'), 'after logging out the session is gone');
} finally {
  await browser.close();
}
