import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';

export const LANDING_CSS_PATH = '/assets/landing.css';
export const DOWNLOADS_PATH = '/downloads';

/** Scripts and inline styles are off entirely; the inline QR SVG needs neither. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function page(title: string, serverName: string, body: string): string {
  return htmlPage({ title, serverName, stylesheet: LANDING_CSS_PATH, body });
}

export interface LandingPageInput {
  serverName: string;
  code: string;
  deepLink: string;
  /** Trusted markup from the qrcode package. */
  qrSvg: string;
}

export function landingPage(input: LandingPageInput): string {
  return page(
    `Set up Keyway: ${input.serverName}`,
    input.serverName,
    `<h1>Set up Keyway</h1>
<p>Open Keyway on this computer to finish setting up your account. It fills in everything for you.</p>
<p><a class="button" href="${escapeHtml(input.deepLink)}">Open Keyway</a></p>
<h2>Or enter this authentication code in Keyway</h2>
<p class="code" translate="no">${escapeHtml(input.code)}</p>
<h2>Setting up another device?</h2>
<p>Scan this code with it to open Keyway there.</p>
<figure class="qr" aria-label="QR code of the Keyway link">${input.qrSvg}</figure>
<h2>Don&#39;t have Keyway yet?</h2>
<p>Get it from the <a href="${DOWNLOADS_PATH}">downloads page</a> or ask your IT department, then come back to this page and press Open Keyway.</p>
<p class="muted">This link works once and expires. Do not share it or the code: they set up your account.</p>`,
  );
}

export function brokenLinkPage(serverName: string, reason: string): string {
  return page(
    `This link is broken: ${serverName}`,
    serverName,
    `<h1>This link is broken</h1>
<p>${escapeHtml(reason)}</p>
<p>Open the deployment e-mail again and use its link or code exactly as they are, or ask your IT department for a new deployment e-mail.</p>`,
  );
}

export function downloadsPage(serverName: string): string {
  return page(
    `Get Keyway: ${serverName}`,
    serverName,
    `<h1>Get Keyway</h1>
<p>Your IT department usually installs Keyway for you. If it has not, ask them for the installer for your system:</p>
<ul>
<li>Windows: <strong>Keyway Setup.exe</strong> or <strong>Keyway.msi</strong></li>
<li>macOS: <strong>Keyway.dmg</strong> or <strong>Keyway.pkg</strong></li>
<li>Linux: <strong>Keyway.AppImage</strong>, <strong>keyway.deb</strong> or <strong>keyway.rpm</strong></li>
</ul>
<p class="muted">This reference server does not host installers. Once Keyway is installed, open the link from your deployment e-mail again.</p>`,
  );
}
