import { escapeHtml } from '../http/escape-html';

/**
 * A minimal, mail-client-safe HTML document: inline styles only (mail clients drop <style> and
 * stylesheets), one column. `body` must already be escaped markup.
 */
export function mailDocument(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="margin:0;padding:24px;background:#f4f5f7;font-family:system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;color:#1d2433;line-height:1.5">
<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">
${body}
</div>
</body>
</html>
`;
}

/** The code in a large monospaced block, as people copy it. */
export function codeBlock(code: string): string {
  return `<p style="font-family:ui-monospace,'SF Mono',Menlo,Consolas,monospace;font-size:20px;letter-spacing:1px;background:#f4f5f7;border-radius:6px;padding:12px 16px;word-break:break-all">${escapeHtml(code)}</p>`;
}
