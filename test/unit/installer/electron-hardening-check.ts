import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import type * as TS from 'typescript';

/**
 * A static check of Keyway's Electron hardening, on the TypeScript source (main imports `electron`, which
 * cannot load without an Electron binary, so nothing is executed). Used by electron-hardening.test.ts and
 * by scripts/electron-security.mjs. The TypeScript compiler is passed in, so this file has no runtime
 * imports but Node's and can be bundled by the script as it is.
 *
 * Rules:
 *  - window-preferences: every `new BrowserWindow/BrowserView/WebContentsView` has literal webPreferences
 *    with contextIsolation: true, sandbox: true, nodeIntegration: false; webSecurity not false; no
 *    allowRunningInsecureContent, experimentalFeatures, enableBlinkFeatures, webviewTag,
 *    nodeIntegrationInWorker/SubFrames turned on.
 *  - navigation-guard / window-open-guard: a `will-navigate` handler and `setWindowOpenHandler` exist.
 *  - open-external: `shell.openExternal` is called from one function only, and that function checks first.
 *  - ipc-sender: every ipcMain.handle/on/once handler looks at the sender (`senderFrame` / `sender`).
 *  - insecure-switch: no command-line switch that switches security off.
 *  - preload-exposure: the preload never hands the page ipcRenderer itself.
 *  - csp: renderer/index.html has a CSP meta with default-src and without 'unsafe-inline'/'unsafe-eval'.
 * Explained exceptions live in security/allowlist.json: { "exceptions": [{ "rule", "file", "reason" }] }.
 */

export interface Finding {
  readonly rule: string;
  readonly file: string;
  readonly line: number;
  readonly message: string;
}

export interface AllowlistEntry {
  readonly rule: string;
  readonly file: string;
  readonly reason: string;
}

interface SourceFile {
  /** Relative to the repository root, with forward slashes. */
  readonly file: string;
  readonly text: string;
}

export interface Sources {
  readonly main: readonly SourceFile[];
  readonly preload: readonly SourceFile[];
  readonly html: SourceFile;
}

export function formatFinding(finding: Finding): string {
  return `${finding.file}:${finding.line} [${finding.rule}] ${finding.message}`;
}

/** Reads the sources the check covers from a checkout. */
export function readSources(root: string): Sources {
  const collect = (dir: string): SourceFile[] =>
    readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts'))
      .map((entry) => {
        const absolute = path.join(entry.parentPath, entry.name);
        return { file: path.relative(root, absolute).split(path.sep).join('/'), text: readFileSync(absolute, 'utf8') };
      })
      .sort((a, b) => a.file.localeCompare(b.file));
  const html = 'renderer/index.html';
  return {
    main: collect('electron/main'),
    preload: collect('electron/preload'),
    html: { file: html, text: readFileSync(path.join(root, html), 'utf8') },
  };
}

export function readAllowlist(root: string): AllowlistEntry[] {
  const data = JSON.parse(readFileSync(path.join(root, 'security', 'allowlist.json'), 'utf8')) as {
    exceptions?: AllowlistEntry[];
  };
  return data.exceptions ?? [];
}

/** Every finding not explained in the allow-list, plus allow-list entries that explain nothing. */
export function checkElectronHardening(
  ts: typeof TS,
  sources: Sources,
  allowlist: readonly AllowlistEntry[],
): Finding[] {
  const findings = [...checkMain(ts, sources.main), ...checkPreload(ts, sources.preload), ...checkCsp(sources.html)];
  const used = new Set<AllowlistEntry>();
  const remaining = findings.filter((finding) => {
    const entry = allowlist.find((e) => e.rule === finding.rule && e.file === finding.file);
    if (entry === undefined) return true;
    used.add(entry);
    return false;
  });
  for (const entry of allowlist) {
    if (entry.reason.trim() === '') {
      remaining.push({
        rule: 'allowlist',
        file: 'security/allowlist.json',
        line: 1,
        message: `${entry.rule} ${entry.file}: no reason given`,
      });
    } else if (!used.has(entry)) {
      remaining.push({
        rule: 'allowlist',
        file: 'security/allowlist.json',
        line: 1,
        message: `${entry.rule} ${entry.file}: explains no finding any more; remove it`,
      });
    }
  }
  return remaining;
}

// ---------------------------------------------------------------------------------------------------

const WINDOW_CLASSES = new Set(['BrowserWindow', 'BrowserView', 'WebContentsView']);
const REQUIRED: Record<string, boolean> = { contextIsolation: true, sandbox: true, nodeIntegration: false };
const MUST_NOT_BE_TRUE = [
  'allowRunningInsecureContent',
  'experimentalFeatures',
  'webviewTag',
  'nodeIntegrationInWorker',
  'nodeIntegrationInSubFrames',
];
const INSECURE_SWITCHES = [
  'ignore-certificate-errors',
  'disable-web-security',
  'remote-debugging-port',
  'no-sandbox',
  'disable-site-isolation-trials',
  'allow-insecure-localhost',
];

function checkMain(ts: typeof TS, files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = [];
  const seen = { navigationGuard: false, windowOpenGuard: false };
  const openExternalCallers = new Map<TS.Node | null, { file: SourceFile; line: number; sourceFile: TS.SourceFile }>();

  for (const file of files) {
    const sourceFile = ts.createSourceFile(file.file, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const at = (node: TS.Node) => sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1;
    const report = (rule: string, node: TS.Node, message: string) =>
      findings.push({ rule, file: file.file, line: at(node), message });

    const visit = (node: TS.Node): void => {
      if (ts.isNewExpression(node) && ts.isIdentifier(node.expression) && WINDOW_CLASSES.has(node.expression.text)) {
        checkWindow(ts, node, node.expression.text, report);
      }
      if (ts.isCallExpression(node)) {
        const callee = node.expression;
        const name = ts.isPropertyAccessExpression(callee)
          ? callee.name.text
          : ts.isIdentifier(callee)
            ? callee.text
            : '';
        const target = ts.isPropertyAccessExpression(callee) ? callee.expression.getText(sourceFile) : '';
        const [first, second] = node.arguments;
        if (
          (name === 'on' || name === 'once') &&
          first &&
          ts.isStringLiteralLike(first) &&
          first.text === 'will-navigate'
        ) {
          seen.navigationGuard = true;
        }
        if (name === 'setWindowOpenHandler') seen.windowOpenGuard = true;
        if (name === 'openExternal' && /(^|\.)shell$/.test(target)) {
          const owner = enclosingFunction(ts, node);
          if (!openExternalCallers.has(owner)) openExternalCallers.set(owner, { file, line: at(node), sourceFile });
          if (owner === null) report('open-external', node, 'shell.openExternal outside any function');
          else if (!checksBefore(ts, owner, node)) {
            report(
              'open-external',
              node,
              'shell.openExternal without a check before it (an if that throws or returns)',
            );
          }
        }
        if (target === 'ipcMain' && ['handle', 'handleOnce', 'on', 'once'].includes(name)) {
          if (second === undefined || !(ts.isArrowFunction(second) || ts.isFunctionExpression(second))) {
            report('ipc-sender', node, `ipcMain.${name}: pass the handler inline so its sender check can be verified`);
          } else if (!/\bsender(Frame)?\b/.test(second.body.getText(sourceFile))) {
            report('ipc-sender', node, `ipcMain.${name} handler never looks at event.senderFrame / event.sender`);
          }
        }
        if (
          name === 'appendSwitch' &&
          first &&
          ts.isStringLiteralLike(first) &&
          INSECURE_SWITCHES.includes(first.text)
        ) {
          report('insecure-switch', node, `command-line switch --${first.text} turns a protection off`);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }

  const firstFile = files[0]?.file ?? 'electron/main';
  if (!seen.navigationGuard) {
    findings.push({
      rule: 'navigation-guard',
      file: firstFile,
      line: 1,
      message: "no 'will-navigate' handler in electron/main",
    });
  }
  if (!seen.windowOpenGuard) {
    findings.push({
      rule: 'window-open-guard',
      file: firstFile,
      line: 1,
      message: 'no setWindowOpenHandler in electron/main',
    });
  }
  if (openExternalCallers.size > 1) {
    for (const { file, line } of openExternalCallers.values()) {
      findings.push({
        rule: 'open-external',
        file: file.file,
        line,
        message: `shell.openExternal is called from ${openExternalCallers.size} functions; route every call through one guarded function`,
      });
    }
  }
  return findings;
}

function checkWindow(
  ts: typeof TS,
  node: TS.NewExpression,
  kind: string,
  report: (rule: string, node: TS.Node, message: string) => void,
): void {
  const rule = 'window-preferences';
  const [options] = node.arguments ?? [];
  if (options === undefined || !ts.isObjectLiteralExpression(options)) {
    report(rule, node, `new ${kind} without literal options: its webPreferences cannot be verified`);
    return;
  }
  const preferences = property(ts, options, 'webPreferences');
  if (preferences === undefined) {
    report(
      rule,
      node,
      `new ${kind} without webPreferences (contextIsolation, sandbox, nodeIntegration must be explicit)`,
    );
    return;
  }
  if (!ts.isObjectLiteralExpression(preferences)) {
    report(rule, preferences, `new ${kind}: webPreferences is not a literal object and cannot be verified`);
    return;
  }
  if (preferences.properties.some((p) => ts.isSpreadAssignment(p))) {
    report(rule, preferences, `new ${kind}: webPreferences spreads another object, which could override any setting`);
  }
  for (const [name, wanted] of Object.entries(REQUIRED)) {
    const value = booleanValue(ts, property(ts, preferences, name));
    if (value !== wanted) report(rule, preferences, `new ${kind}: webPreferences.${name} must be ${String(wanted)}`);
  }
  if (booleanValue(ts, property(ts, preferences, 'webSecurity')) === false) {
    report(rule, preferences, `new ${kind}: webPreferences.webSecurity must not be false`);
  }
  for (const name of MUST_NOT_BE_TRUE) {
    const value = property(ts, preferences, name);
    if (value !== undefined && booleanValue(ts, value) !== false) {
      report(rule, value, `new ${kind}: webPreferences.${name} must be false or absent`);
    }
  }
  const blink = property(ts, preferences, 'enableBlinkFeatures');
  if (blink !== undefined) report(rule, blink, `new ${kind}: webPreferences.enableBlinkFeatures must be absent`);
}

function property(ts: typeof TS, object: TS.ObjectLiteralExpression, name: string): TS.Expression | undefined {
  for (const p of object.properties) {
    if (ts.isPropertyAssignment(p) && (ts.isIdentifier(p.name) || ts.isStringLiteral(p.name)) && p.name.text === name) {
      return p.initializer;
    }
    if (ts.isShorthandPropertyAssignment(p) && p.name.text === name) return p.name;
  }
  return undefined;
}

/** true/false for the literals, undefined for anything else (not statically known). */
function booleanValue(ts: typeof TS, node: TS.Expression | undefined): boolean | undefined {
  if (node === undefined) return undefined;
  if (node.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (node.kind === ts.SyntaxKind.FalseKeyword) return false;
  return undefined;
}

function enclosingFunction(ts: typeof TS, node: TS.Node): TS.Node | null {
  for (let current = node.parent as TS.Node | undefined; current !== undefined; current = current.parent) {
    if (
      ts.isFunctionDeclaration(current) ||
      ts.isFunctionExpression(current) ||
      ts.isArrowFunction(current) ||
      ts.isMethodDeclaration(current)
    ) {
      return current;
    }
  }
  return null;
}

/** Whether the function has an `if` that leaves (throw/return) before `call`. */
function checksBefore(ts: typeof TS, owner: TS.Node, call: TS.Node): boolean {
  let found = false;
  const visit = (node: TS.Node): void => {
    if (found || node.getStart() >= call.getStart()) return;
    if (ts.isIfStatement(node) && leaves(ts, node.thenStatement)) found = true;
    ts.forEachChild(node, visit);
  };
  ts.forEachChild(owner, visit);
  return found;
}

function leaves(ts: typeof TS, statement: TS.Statement): boolean {
  if (ts.isThrowStatement(statement) || ts.isReturnStatement(statement)) return true;
  return ts.isBlock(statement) && statement.statements.some((s) => ts.isThrowStatement(s) || ts.isReturnStatement(s));
}

function checkPreload(ts: typeof TS, files: readonly SourceFile[]): Finding[] {
  const findings: Finding[] = [];
  for (const file of files) {
    const sourceFile = ts.createSourceFile(file.file, file.text, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const visit = (node: TS.Node): void => {
      if (
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.name.text === 'exposeInMainWorld'
      ) {
        const exposed = node.arguments[1];
        if (exposed !== undefined && /\bipcRenderer\b(?!\s*\.)/.test(exposed.getText(sourceFile))) {
          findings.push({
            rule: 'preload-exposure',
            file: file.file,
            line: sourceFile.getLineAndCharacterOfPosition(node.getStart(sourceFile)).line + 1,
            message: 'exposeInMainWorld hands the page ipcRenderer itself; expose narrow functions instead',
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
  }
  return findings;
}

function checkCsp(html: SourceFile): Finding[] {
  const meta = /<meta\s[^>]*http-equiv=["']Content-Security-Policy["'][^>]*>/i.exec(html.text);
  const line = (index: number) => html.text.slice(0, index).split('\n').length;
  if (meta === null) {
    return [{ rule: 'csp', file: html.file, line: 1, message: 'no Content-Security-Policy meta element' }];
  }
  const content = /content=(["'])([\s\S]*?)\1/i.exec(meta[0])?.[2] ?? '';
  const findings: Finding[] = [];
  const report = (message: string) => findings.push({ rule: 'csp', file: html.file, line: line(meta.index), message });
  const directives = new Map(
    content
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((parts) => parts[0])
      .map(([name = '', ...values]) => [name.toLowerCase(), values] as const),
  );
  if (!directives.has('default-src')) report('CSP without default-src');
  for (const keyword of ["'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'"]) {
    if (content.includes(keyword)) report(`CSP allows ${keyword}`);
  }
  const scripts = directives.get('script-src') ?? directives.get('default-src') ?? [];
  for (const source of scripts) {
    if (source === '*' || /^(https?|data|blob):$/i.test(source) || /^https?:\/\//i.test(source)) {
      report(`CSP script-src allows ${source}`);
    }
  }
  return findings;
}
