import { describe, expect, it } from 'vitest';
import { cli } from './cli-run';
import { passwordSignIn, signedInWithPassword } from './mfa-fixture';
import { ANA, startServerWithAna } from './server-fixture';

describe('npm run server -- audit', () => {
  it('lists, filters and exports the trail (CSV with CRLF records, JSON lines), and prunes as the CLI admin', async () => {
    const test = await startServerWithAna();
    // The sign-ins happen three days ago by the server's clock; the CLI's clock is the real one.
    test.advance(-3 * 24 * 60 * 60 * 1000);
    await signedInWithPassword(test.origin);
    await passwordSignIn(test.origin, { password: 'not the password at all' });

    const listed = await cli(test.dataDir, {}, 'audit', 'list', '--user', ANA.loginId, '--type', 'sign-in.failed');
    expect(listed.code).toBe(0);
    expect(listed.out).toHaveLength(1);
    expect(listed.out[0]).toMatch(
      /sign-in\.failed {2}by anonymous {2}user \d+ {2}invalid_credentials {2}from 127\.0\.0\.1/,
    );

    const csv = await cli(test.dataDir, {}, 'audit', 'export', '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(csv.out[0]).toBe(
      'id,time,type,class,actor_kind,actor,user_id,source_address,user_agent,installation_id,reason,details\r',
    );
    expect(csv.out.slice(1).map((line) => line.split(',')[2])).toEqual([
      'admin.user-created',
      'sign-in.failed',
      'sign-in.succeeded',
    ]);
    expect(csv.out.every((line) => line.endsWith('\r'))).toBe(true);

    const jsonl = await cli(test.dataDir, {}, 'audit', 'export', '--format', 'jsonl', '--type', 'sign-in.succeeded');
    expect(jsonl.out.map((line) => (JSON.parse(line) as { type: string }).type)).toEqual(['sign-in.succeeded']);

    expect((await cli(test.dataDir, {}, 'audit', 'retention', '--days', '1')).out).toEqual([
      'Audit events are kept for 1 days.',
    ]);
    const pruned = await cli(test.dataDir, {}, 'audit', 'prune');
    expect(pruned.out).toEqual(['Removed 2 audit events older than 1 days.']);
    const after = await cli(test.dataDir, {}, 'audit', 'list');
    expect(after.out).toHaveLength(2);
    expect(after.out[0]).toMatch(/audit\.pruned {2}by admin cli:\S+/);
    expect(after.out[1]).toMatch(/admin\.user-created/);
  });

  it('refuses bad options with a usage error naming them', async () => {
    const test = await startServerWithAna();
    const bad = [
      [['audit', 'export', '--format', 'xml'], /--format must be csv or jsonl/],
      [['audit', 'list', '--type', 'nope'], /--type is not an audit event type/],
      [['audit', 'list', '--from', 'yesterday'], /--from must be a date/],
      [['audit', 'list', '--limit', '0'], /--limit must be a whole number/],
      [['audit', 'frobnicate'], /audit needs one of: list, export, prune, retention, dead-letters/],
    ] as const;
    for (const [argv, message] of bad) {
      const run = await cli(test.dataDir, {}, ...argv);
      expect(run.code, argv.join(' ')).toBe(2);
      expect(run.err[0]).toMatch(message);
    }
  });
});
