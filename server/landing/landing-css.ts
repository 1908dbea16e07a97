/**
 * The landing and downloads pages' stylesheet, served from /assets/landing.css so the pages' CSP can
 * forbid inline styles and scripts altogether.
 */
export const LANDING_CSS = `:root {
  color-scheme: light dark;
  --bg: #f4f5f7;
  --card: #ffffff;
  --text: #1d2433;
  --muted: #5b6475;
  --accent: #2455c3;
  --code-bg: #eef0f4;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #14171f;
    --card: #1d2230;
    --text: #e8eaf0;
    --muted: #a3abbd;
    --accent: #7ea2ff;
    --code-bg: #272d3d;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0;
  padding: 24px;
  background: var(--bg);
  color: var(--text);
  font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif;
}
main { max-width: 560px; margin: 0 auto; background: var(--card); border-radius: 12px; padding: 32px; }
h1 { margin: 0 0 8px; font-size: 28px; }
h2 { margin: 28px 0 8px; font-size: 18px; }
.server { margin: 0; color: var(--muted); font-size: 14px; text-transform: uppercase; letter-spacing: 0.06em; }
.button {
  display: inline-block;
  background: var(--accent);
  color: #ffffff;
  text-decoration: none;
  font-weight: 600;
  padding: 12px 24px;
  border-radius: 8px;
}
.button:focus-visible { outline: 3px solid var(--text); outline-offset: 2px; }
.code {
  font: 600 22px/1.4 ui-monospace, 'SF Mono', Menlo, Consolas, monospace;
  letter-spacing: 0.04em;
  background: var(--code-bg);
  border-radius: 8px;
  padding: 16px;
  word-break: break-all;
  user-select: all;
}
.qr { margin: 0; width: 220px; max-width: 100%; background: #ffffff; border-radius: 8px; padding: 8px; }
.qr svg { display: block; width: 100%; height: auto; }
.muted { color: var(--muted); font-size: 14px; }
ul { padding-left: 20px; }
`;
