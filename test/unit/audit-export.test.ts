import { describe, expect, it } from 'vitest';
import type { AuditEvent } from '../../server/audit/audit-log';
import { csvField, csvHeader, csvRecord, jsonLine } from '../../server/audit/export';

const EVENT: AuditEvent = {
  id: 12,
  at: Date.UTC(2026, 0, 2, 3, 4, 5),
  type: 'sign-in.failed',
  class: 'sign-in',
  actor: { kind: 'anonymous' },
  userId: 7,
  sourceAddress: '192.0.2.1',
  userAgent: '=HYPERLINK("https://evil.example","click"), "quoted"',
  reason: 'invalid_credentials',
  details: { method: 'password' },
};

describe('audit export', () => {
  it('neutralises every formula trigger at the start of a cell', () => {
    for (const start of ['=', '+', '-', '@', '\t', '\r']) {
      expect(csvField(`${start}1+1`).replace(/^"/, '')).toMatch(/^'/);
    }
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a=1')).toBe('a=1');
  });

  it('writes RFC 4180 records: quoted commas, doubled quotes, CRLF line ends', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvHeader()).toBe(
      'id,time,type,class,actor_kind,actor,user_id,source_address,user_agent,installation_id,reason,details\r\n',
    );
    expect(csvRecord(EVENT)).toBe(
      '12,2026-01-02T03:04:05.000Z,sign-in.failed,sign-in,anonymous,,7,192.0.2.1,' +
        '"\'=HYPERLINK(""https://evil.example"",""click""), ""quoted""",,invalid_credentials,' +
        '"{""method"":""password""}"\r\n',
    );
  });

  it('writes one JSON object per line, with an ISO time', () => {
    const line = jsonLine(EVENT);
    expect(line.endsWith('\n')).toBe(true);
    expect(line.slice(0, -1)).not.toContain('\n');
    expect(JSON.parse(line)).toEqual({ ...EVENT, time: '2026-01-02T03:04:05.000Z' });
  });
});
