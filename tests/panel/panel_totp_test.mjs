// Two-factor panel logins in a real browser: Debian's chromium (playwright-core) enrols TOTP with codes Debian's oathtool computes from the secret the page shows.
// env: PANEL_BASE (https://127.0.0.1:PORT), CA_FILE, ACCOUNT, PASSWORD, DOMAIN. Exit 0 when every step passed; leaves TOTP on for the caller's checks.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { check, launchChromium, xmlRpc } from './browser_support.mjs';

const base = process.env.PANEL_BASE;
const ca = readFileSync(process.env.CA_FILE);
const account = process.env.ACCOUNT;
const password = process.env.PASSWORD;
const domain = process.env.DOMAIN;

// The code an authenticator app shows for `secret` (Base32), `ahead` seconds from now: oathtool's, not ours.
function oathtool(secret, ahead = 0) {
  const args = ['--totp', '-b', secret];
  if (ahead) args.push('-N', `now + ${ahead} seconds`);
  return execFileSync('oathtool', args, { encoding: 'utf8' }).trim();
}

// XML-RPC GetDyndnsIp with the account's password alone, over TLS verified against the test CA; resolves to the body.
const getDyndnsIp = () => xmlRpc(base, ca, 'GetDyndnsIp', [account, password, domain]);

const browser = await launchChromium();
try {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  const submit = (name) => Promise.all([page.waitForNavigation(), page.getByRole('button', { name }).click()]).then((r) => r[0]);
  const passwordStep = async () => {
    await page.goto(`${base}/panel/login`);
    await page.getByLabel('Account').fill(account);
    await page.getByLabel('Password').fill(password);
    await submit('Log in');
  };
  const codeStep = async (code) => {
    await page.getByLabel('Code', { exact: true }).fill(code);
    return submit('Verify');
  };
  const logOut = async () => {
    await submit('Log out');
    check(page.url().endsWith('/panel/login'), 'logged out');
  };
  const sessionCookie = async () => (await context.cookies()).find((c) => c.name === '__Host-dyndns');

  // Without TOTP the password alone logs in, as before.
  await passwordStep();
  check(page.url().endsWith('/panel/'), 'without TOTP the password alone logs in');
  check((await page.locator('#two-factor ~ p').first().innerText()).startsWith('Off'), 'two-factor authentication starts off');

  // Enrolment: the secret shown as text and as a QR code, on a page nobody caches; never in a URL.
  const enrolment = await submit('Set up two-factor authentication');
  check(page.url().endsWith('/panel/totp'), 'setting up opens the enrolment page');
  check(enrolment.headers()['cache-control'] === 'no-store', 'the enrolment page is not cached');
  const secret = (await page.locator('#totp-secret').innerText()).trim();
  check(/^[A-Z2-7]{32}$/.test(secret), 'the secret is 160 bits in Base32');
  check(!page.url().includes(secret), 'the secret is not in the URL');
  const qr = page.getByRole('img', { name: 'QR code of the secret for your authenticator app' });
  check((await qr.count()) === 1 && (await qr.evaluate((svg) => svg.tagName)) === 'svg', 'the QR code is an inline SVG image with a name');

  const enrolCode = oathtool(secret);
  const wrongEnrol = String((Number(enrolCode) + 1) % 1000000).padStart(6, '0');
  await page.getByLabel('Code from the app').fill(wrongEnrol);
  const refusedEnrol = await submit('Turn on');
  check(refusedEnrol.status() === 401 && (await page.content()).includes('wrong code'), 'a wrong first code is refused');
  check((await page.locator('#totp-secret').innerText()).trim() === secret, 'the same secret waits for a right code');
  await page.getByLabel('Code from the app').fill(enrolCode);
  const enabled = await submit('Turn on');
  check(enabled.headers()['cache-control'] === 'no-store', 'the recovery codes page is not cached');
  const recovery = await page.locator('#recovery-codes code').allInnerTexts();
  check(recovery.length === 10 && recovery.every((c) => /^[a-z2-7]{4}(-[a-z2-7]{4}){3}$/.test(c)) && new Set(recovery).size === 10,
    'the oathtool code turns TOTP on and ten recovery codes are shown once');
  await page.goto(`${base}/panel/`);
  const section = await page.locator('#two-factor ~ p').first().innerText();
  check(section.startsWith('On') && section.includes('10 of 10 recovery codes left'), 'the panel says TOTP is on');
  check(!(await page.content()).includes(recovery[0]), 'the recovery codes are not shown again');
  await logOut();

  // The password is now only the first step: no session until the code.
  await passwordStep();
  check(page.url().endsWith('/panel/login/code'), 'the right password asks for the code');
  check(!(await sessionCookie()), 'no session before the code');
  const early = await context.request.get(`${base}/panel/`, { maxRedirects: 0 });
  check(early.status() === 303 && early.headers().location === '/panel/login', 'the panel is closed until the code is right');
  const wrong = await codeStep(wrongEnrol === oathtool(secret, 30) ? '000000' : wrongEnrol);
  check(wrong.status() === 401 && (await page.content()).includes('wrong code') && !(await sessionCookie()), 'a wrong code is refused');
  const replayed = await codeStep(enrolCode);
  check(replayed.status() === 401 && !(await sessionCookie()), 'the code that turned TOTP on cannot be used again');
  // The next step's code: taken within the ±1-step window.
  await codeStep(oathtool(secret, 30));
  check(page.url().endsWith('/panel/') && (await sessionCookie()), 'password and the oathtool code log in');
  check(!(await getDyndnsIp()).includes('<fault>'), 'XML-RPC still works with the password alone (machines type no code)');
  await logOut();

  // A recovery code stands in for the app, once.
  await passwordStep();
  await codeStep(recovery[0].toUpperCase());
  check(page.url().endsWith('/panel/'), 'a recovery code logs in');
  check((await page.locator('#two-factor ~ p').first().innerText()).includes('9 of 10 recovery codes left'), 'it is spent');
  await logOut();
  await passwordStep();
  const reused = await codeStep(recovery[0]);
  check(reused.status() === 401 && page.url().endsWith('/panel/login/code') && !(await sessionCookie()),
    'a recovery code used once is refused the second time');
  await codeStep(recovery[1]);
  check(page.url().endsWith('/panel/'), 'another recovery code logs in');

  // Off only with a code; then the password alone logs in again.
  await page.getByLabel('Code to turn it off').fill('000000');
  const keptOn = await submit('Turn off two-factor authentication');
  check(keptOn.status() === 401, 'turning TOTP off with a wrong code is refused');
  await page.goto(`${base}/panel/`);
  await page.getByLabel('Code to turn it off').fill(recovery[2]);
  await submit('Turn off two-factor authentication');
  check((await page.locator('#two-factor ~ p').first().innerText()).startsWith('Off'), 'a recovery code turns TOTP off');
  await logOut();
  await passwordStep();
  check(page.url().endsWith('/panel/'), 'with TOTP off the password alone logs in again');

  // On again, for the operator's checks that follow (dyndnsctl totp status and reset).
  await submit('Set up two-factor authentication');
  const second = (await page.locator('#totp-secret').innerText()).trim();
  check(second !== secret, 'setting up again makes a new secret');
  await page.getByLabel('Code from the app').fill(oathtool(second));
  await submit('Turn on');
  check((await page.locator('#recovery-codes code').count()) === 10, 'TOTP is on again with new recovery codes');
} finally {
  await browser.close();
}
