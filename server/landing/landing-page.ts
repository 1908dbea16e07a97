import { escapeHtml } from '../http/escape-html';
import { htmlPage } from '../http/html-page';
import type { PageText } from '../http/page-messages';

export const LANDING_CSS_PATH = '/assets/landing.css';
export const DOWNLOADS_PATH = '/downloads';

/** Scripts and inline styles are off entirely; the inline QR SVG needs neither. */
export const PAGE_CSP =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function page(text: PageText, title: string, serverName: string, body: string): string {
  return htmlPage({
    lang: text.lang,
    title: text.t('pageTitle', { title, server: serverName }),
    serverName,
    stylesheet: LANDING_CSS_PATH,
    body,
  });
}

export interface LandingPageInput {
  text: PageText;
  serverName: string;
  code: string;
  deepLink: string;
  /** Trusted markup from the qrcode package. */
  qrSvg: string;
}

export function landingPage(input: LandingPageInput): string {
  const { t, html } = input.text;
  return page(
    input.text,
    t('setUpKeyway'),
    input.serverName,
    `<h1>${html('setUpKeyway')}</h1>
<p>${html('landingIntro')}</p>
<p><a class="button" href="${escapeHtml(input.deepLink)}">${html('openKeyway')}</a></p>
<h2>${html('orEnterCode')}</h2>
<p class="code" translate="no">${escapeHtml(input.code)}</p>
<h2>${html('anotherDevice')}</h2>
<p>${html('scanIt')}</p>
<figure class="qr" aria-label="${html('landingQrLabel')}">${input.qrSvg}</figure>
<h2>${html('noKeywayHeading')}</h2>
<p>${html('landingGetIt', { link: `<a href="${DOWNLOADS_PATH}">${html('downloadsLink')}</a>` })}</p>
<p class="muted">${html('landingNote')}</p>`,
  );
}

/** `reason`: what is wrong with the link, already in the page's language. */
export function brokenLinkPage(text: PageText, serverName: string, reason: string): string {
  const { t, html } = text;
  return page(
    text,
    t('brokenHeading'),
    serverName,
    `<h1>${html('brokenHeading')}</h1>
<p>${escapeHtml(reason)}</p>
<p>${html('brokenNext')}</p>`,
  );
}

export function downloadsPage(text: PageText, serverName: string): string {
  const { t, html } = text;
  const file = (name: string) => `<strong>${escapeHtml(name)}</strong>`;
  return page(
    text,
    t('getKeyway'),
    serverName,
    `<h1>${html('getKeyway')}</h1>
<p>${html('downloadsIntro')}</p>
<ul>
<li>${html('installerOr', { os: 'Windows', first: file('Keyway Setup.exe'), second: file('Keyway.msi') })}</li>
<li>${html('installerOr', { os: 'macOS', first: file('Keyway.dmg'), second: file('Keyway.pkg') })}</li>
<li>${html('installerLinux', { first: file('Keyway.AppImage'), second: file('keyway.deb'), third: file('keyway.rpm') })}</li>
</ul>
<p class="muted">${html('downloadsNote')}</p>`,
  );
}
