/**
 * The admin console's own stylesheet, served beside the sign-in pages' one (which gives the colours,
 * fonts and form controls) from a static path, so the console's CSP (web-form.ts: style-src 'self')
 * still forbids inline styles. The sign-in card is 560 px wide; signed-in console pages hold wide
 * tables and a nav, so they get the window's width, a horizontal nav, and tables that scroll inside
 * their own focusable region instead of spilling out of the card.
 */
export const ADMIN_CSS_PATH = '/assets/admin-console.css';

export const ADMIN_CSS = `
body.console { padding: 16px; }
body.console main { max-width: 1280px; padding: 24px; }
/* Forms keep a readable line length; only tables take the page's width. */
body.console main .form { max-width: 640px; }
.console-nav {
  max-width: 1280px;
  margin: 0 auto 16px;
  display: flex;
  flex-wrap: wrap;
  align-items: center;
  gap: 8px 16px;
  background: var(--card);
  border-radius: 12px;
  padding: 8px 16px;
}
.console-nav ul { display: flex; flex-wrap: wrap; gap: 4px; list-style: none; margin: 0; padding: 0; flex: 1 1 auto; }
.console-nav a { display: block; padding: 6px 10px; border-radius: 8px; text-decoration: none; font-weight: 600; }
.console-nav a:hover { text-decoration: underline; }
.console-nav a:focus-visible { outline: 3px solid var(--accent); outline-offset: 1px; }
.console-nav a[aria-current='page'] { background: var(--accent); color: var(--card); }
.console-nav p { margin: 0; color: var(--muted); font-size: 14px; }
.console-nav .form { margin: 0; }
.console-nav .form .secondary { padding: 6px 14px; }
.table-scroll { overflow-x: auto; max-width: 100%; margin: 16px 0; border: 1px solid var(--code-bg); border-radius: 8px; }
.table-scroll:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.table-scroll table { border-collapse: collapse; width: 100%; min-width: max-content; }
.table-scroll th, .table-scroll td { text-align: left; vertical-align: top; padding: 8px 12px; border-bottom: 1px solid var(--code-bg); }
.table-scroll thead th { background: var(--code-bg); white-space: nowrap; }
.table-scroll td .inline, .table-scroll td .inline + .inline { margin: 4px 0; }
form.inline { display: inline-flex; flex-wrap: wrap; gap: 4px 8px; align-items: center; }
.form select, .form input[type='email'], .form input[type='tel'], .form input[type='search'], .form input[type='date'], .form textarea, form.inline input[type='password'] {
  font: inherit;
  padding: 8px 10px;
  border: 1px solid var(--muted);
  border-radius: 8px;
  background: var(--card);
  color: var(--text);
  max-width: 100%;
}
.form fieldset { border: 1px solid var(--muted); border-radius: 8px; padding: 8px 12px; }
.form .choice { display: inline-flex; gap: 6px; align-items: center; margin-right: 16px; }
.notice { font-weight: 600; }
@media (max-width: 600px) {
  body.console { padding: 8px; }
  body.console main { padding: 16px; border-radius: 8px; }
  .console-nav { padding: 8px; }
  h1 { font-size: 22px; }
}
`;
