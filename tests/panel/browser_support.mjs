// What the panel's browser tests share: the step check, an XML-RPC call verified against the test CA, Debian's chromium launched headless.
import { execFileSync } from 'node:child_process';
import https from 'node:https';
import { chromium } from 'playwright-core';

export function check(condition, what) {
  if (!condition) throw new Error(`failed: ${what}`);
  console.log(`ok: ${what}`);
}

// An XML-RPC call of `method` with string `params` over TLS verified against `ca`; resolves to the response body.
export function xmlRpc(base, ca, method, params, userAgent = 'panel-browser-test') {
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>` +
    params.map((p) => `<param><value><string>${p}</string></value></param>`).join('') +
    `</params></methodCall>`;
  return new Promise((resolve, reject) => {
    const request = https.request(`${base}/dom/api`, {
      method: 'POST', ca, headers: { 'Content-Type': 'text/xml', 'User-Agent': userAgent },
    }, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve(text));
    });
    request.on('error', reject);
    request.end(body);
  });
}

// Debian's chromium. As root in a container there is no sandbox; the rest keeps chromium off a network it does not have.
// It verifies the gateway's certificate: the test CA is in the NSS database under $HOME.
export function launchChromium() {
  const executablePath = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  return chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
           '--disable-component-update', '--disable-sync'],
  });
}
