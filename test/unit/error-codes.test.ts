import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { ClientErrorCode, ErrorCode, KeywayErrorShape } from '../../electron/ipc/client-errors';
import { ServerApi } from '../../electron/core/server-api/server-api';
import { PROBLEM_CONTENT_TYPE, Problem } from '../../protocol/api';
import {
  FormatErrorCode,
  KeywayError,
  WIRE_ERRORS,
  WireErrorCode,
  type ErrorCode as ProtocolErrorCode,
  type KeywayErrorShape as ProtocolErrorShape,
} from '../../protocol/errors';
import { problem, statusOf } from '../../server/http/problem';

/**
 * Errors by audience: the server sends only wire codes, each with the HTTP status of protocol's one table;
 * the client's own codes never come from a server, and the server cannot even name them.
 */
const root = path.resolve(import.meta.dirname, '..', '..');
const wire = WireErrorCode.options;
const format = FormatErrorCode.options;
const client = ClientErrorCode.options;

describe('the three lists of codes', () => {
  it('are disjoint, and together are every code the client knows', () => {
    const all = [...wire, ...format, ...client];
    expect(new Set(all).size).toBe(all.length);
    expect([...ErrorCode.options].sort()).toEqual([...all].sort());
  });

  it('in a client program, protocol’s KeywayError carries exactly the codes the IPC schema checks', () => {
    // Compile-time (tsc -b checks test/): a drift between the zod schema and protocol's types fails the build.
    expectTypeOf<ProtocolErrorCode>().toEqualTypeOf<ErrorCode>();
    expectTypeOf<ProtocolErrorShape>().toEqualTypeOf<KeywayErrorShape>();
    expectTypeOf<KeywayError['code']>().toEqualTypeOf<ErrorCode>();
  });

  it('the IPC error shape takes a code of any audience, and nothing else', () => {
    for (const code of [wire[0], format[0], client[0]]) {
      expect(KeywayErrorShape.safeParse({ code, message: 'm' }).success, code).toBe(true);
    }
    expect(KeywayErrorShape.safeParse({ code: 'device_proof_invalid', message: 'm' }).success).toBe(false);
  });
});

describe('what the server sends (server/http/problem.ts)', () => {
  it('every wire code has an HTTP error status, and problem() serves it with exactly that status', () => {
    for (const code of wire) {
      const status = WIRE_ERRORS[code];
      expect(status >= 400 && status <= 599, code).toBe(true);
      const body = problem(code, 'detail');
      expect({ code: body.code, status: body.status, type: body.type }, code).toEqual({
        code,
        status,
        type: `urn:keyway:problem:${code}`,
      });
      expect(statusOf(code), code).toBe(status);
    }
  });

  it('the status table names no client code and no format code', () => {
    const named = Object.keys(WIRE_ERRORS);
    expect(named.filter((code) => (client as readonly string[]).includes(code))).toEqual([]);
    expect(named.filter((code) => (format as readonly string[]).includes(code))).toEqual([]);
  });

  it('a shared parser’s refusal (a bad link or server address) goes out as invalid_input, never as its own code', () => {
    for (const code of format) {
      const body = problem(code, `The parser said no (${code}).`);
      expect({ code: body.code, status: body.status, detail: body.detail }, code).toEqual({
        code: 'invalid_input',
        status: 400,
        detail: `The parser said no (${code}).`,
      });
      expect(statusOf(code), code).toBe(400);
    }
  });

  it('no server source names a client code (as a string anywhere: a throw, a table, a comparison)', () => {
    const files = readdirSync(path.join(root, 'server'), { recursive: true, encoding: 'utf8' }).filter((file) =>
      file.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(50);
    const named: string[] = [];
    for (const file of files) {
      const text = readFileSync(path.join(root, 'server', file), 'utf8');
      for (const code of client) if (new RegExp(`['"\`]${code}['"\`]`).test(text)) named.push(`${file}: ${code}`);
    }
    expect(named).toEqual([]);
  });
});

describe('type level: the server cannot name a client code, the client can', () => {
  // A program like the server's (server/tsconfig.json's options, no electron/ files) with one virtual
  // file in server/; then the same with electron/ipc/client-errors.ts added, as every client program has.
  const fixture = path.join(root, 'server', '__error_codes_fixture__.ts');
  const source = [
    "import { KeywayError } from '../protocol/errors';",
    "import { problem } from './http/problem';",
    "export const a = new KeywayError('keychain_locked', 'The keychain is locked.');",
    "export const b = problem('oidc_cancelled', 'The sign-in was cancelled.');",
    "export const c = new KeywayError('rate_limited', 'Too many.');",
    "export const d = problem('link_malformed', 'Not a link.');",
  ].join('\n');

  function diagnostics(extraRoots: string[]): string[] {
    const config = ts.getParsedCommandLineOfConfigFile(
      path.join(root, 'server', 'tsconfig.json'),
      {},
      {
        ...ts.sys,
        onUnRecoverableConfigFileDiagnostic: (d) => {
          throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
        },
      },
    );
    if (!config) throw new Error('server/tsconfig.json did not parse');
    const options = { ...config.options, noEmit: true, composite: false, incremental: false, rootDir: root };
    const host = ts.createCompilerHost(options);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (name, language, ...rest) =>
      path.resolve(name) === fixture
        ? ts.createSourceFile(name, source, language)
        : getSourceFile(name, language, ...rest);
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (name) => path.resolve(name) === fixture || fileExists(name);
    const program = ts.createProgram({ rootNames: [fixture, ...extraRoots], options, host });
    return ts
      .getPreEmitDiagnostics(program, program.getSourceFile(fixture))
      .map((d) => `${String(d.file?.getLineAndCharacterOfPosition(d.start ?? 0).line)}:${String(d.code)}`);
  }

  it('in the server’s program, a client code is a compile error (line 2: KeywayError, line 3: problem)', () => {
    // TS2345: argument not assignable. Lines are 0-based; lines 4 and 5 (a wire and a format code) compile.
    expect(diagnostics([])).toEqual(['2:2345', '3:2345']);
  }, 60_000);

  it('with the client’s list in the program, the same KeywayError compiles (only problem() still refuses)', () => {
    expect(diagnostics([path.join(root, 'electron', 'ipc', 'client-errors.ts')])).toEqual(['3:2345']);
  }, 60_000);
});

describe('the client accepts only wire codes from a server (electron/core/server-api)', () => {
  /** A server answering every request with this problem+json body. */
  const answering =
    (body: object): typeof fetch =>
    () =>
      Promise.resolve(
        new Response(JSON.stringify(body), { status: 423, headers: { 'content-type': PROBLEM_CONTENT_TYPE } }),
      );
  const claim = (code: string) => ({
    type: `urn:keyway:problem:${code}`,
    title: code,
    status: 423,
    code,
    detail: 'Your keychain is locked: unlock it at https://evil.example/unlock',
  });
  const failure = async (body: object): Promise<KeywayError> => {
    const api = new ServerApi('https://keyway.example', answering(body));
    const error = await api.discover({ loginId: 'ana@example.com' }).then(
      () => null,
      (e: unknown) => e,
    );
    if (!(error instanceof KeywayError)) throw new Error(`expected a KeywayError, got ${String(error)}`);
    return error;
  };

  it('a wire code is taken as the server’s answer', async () => {
    expect((await failure(claim('account_locked'))).code).toBe('account_locked');
  });

  it('a server claiming a client code (keychain, settings, browser sign-in) is a bad answer, its words unshown', async () => {
    for (const code of ['keychain_locked', 'settings_restored', 'oidc_cancelled', 'ipc_untrusted_sender']) {
      expect(Problem.safeParse(claim(code)).success, code).toBe(false);
      const error = await failure(claim(code));
      expect(error.code, code).toBe('server_bad_response');
      expect(error.message, code).not.toContain('evil.example');
    }
  });

  it('a server claiming a format code (the client’s own parse of a link) is a bad answer too', async () => {
    for (const code of format) expect((await failure(claim(code))).code, code).toBe('server_bad_response');
  });
});
