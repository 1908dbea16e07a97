import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { auditEventsMarkdown } from '../../server/audit/events-doc';
import { AUDIT_EVENT_TYPES } from '../../server/audit/events';

const DOC = path.resolve(import.meta.dirname, '../../docs/audit-events.md');

describe('docs/audit-events.md', () => {
  it('is the catalogue as it is (UPDATE_DOCS=1 rewrites it)', async () => {
    // As prettier writes it (the repository's lint formats every Markdown file).
    const options = (await prettier.resolveConfig(DOC)) ?? {};
    const expected = await prettier.format(auditEventsMarkdown(), { ...options, filepath: DOC });
    if (process.env.UPDATE_DOCS === '1') writeFileSync(DOC, expected);
    expect(readFileSync(DOC, 'utf8')).toBe(expected);
  });

  it('names every event type and every details field', () => {
    const doc = auditEventsMarkdown();
    for (const type of AUDIT_EVENT_TYPES) expect(doc).toContain(`### \`${type}\``);
    expect(doc).toContain('`method` (`password` \\| `oidc-provider` \\| `sso` \\| `passkey` \\| `admin-console`)');
  });
});
