import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { addKeywayFragment, msiProjectCreated } from '../../../build/msi-project-created.mjs';
import { URL_SCHEMES } from '../../../electron/core/machine-policy/templates';
import { parseXml } from './xml';

// keyway:// and dev.keyway.app are registered at install time on every target. macOS (CFBundleURLTypes)
// and the Linux .desktop MimeType come from electron-builder.yml `protocols` (builder-config.test.ts, and
// packaging.test.ts on electron-builder's real output); this file checks what we add ourselves.

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const read = (file: string) => readFileSync(path.join(root, file), 'utf8');

function macro(source: string, name: string): string {
  const match = new RegExp(`^!macro ${name}\\b[^\\n]*\\n([\\s\\S]*?)^!macroend`, 'm').exec(source);
  if (!match?.[1]) throw new Error(`no !macro ${name}`);
  return match[1];
}

describe('Windows NSIS (build/installer.nsh)', () => {
  const nsh = read('build/installer.nsh');

  it('registers every scheme on install and removes it on uninstall', () => {
    const install = macro(nsh, 'customInstall');
    const uninstall = macro(nsh, 'customUnInstall');
    for (const scheme of URL_SCHEMES) {
      expect(install).toContain(`!insertmacro keywayRegisterScheme "${scheme}"`);
      expect(uninstall).toContain(`!insertmacro keywayUnregisterScheme "${scheme}"`);
    }
  });

  it('writes a URL Protocol key with an open command of "<install dir>\\Keyway.exe" -- "%1" in the install mode\'s hive', () => {
    const register = macro(nsh, 'keywayRegisterScheme');
    expect(nsh).toContain('!define KEYWAY_EXE "$INSTDIR\\${APP_EXECUTABLE_FILENAME}"');
    // "--" before the link: Chromium stops parsing switches there (the protocol-handler injection class).
    expect(nsh).toContain('!define KEYWAY_OPEN_COMMAND "$\\"${KEYWAY_EXE}$\\" -- $\\"%1$\\""');
    expect(register).toContain('WriteRegStr SHCTX "Software\\Classes\\${SCHEME}" "URL Protocol" ""');
    expect(register).toContain(
      'WriteRegStr SHCTX "Software\\Classes\\${SCHEME}\\shell\\open\\command" "" "${KEYWAY_OPEN_COMMAND}"',
    );
    // SHCTX is HKLM for a per-machine install and HKCU per user; nothing is written to a fixed hive.
    expect(register).not.toMatch(/\bHK(LM|CU)\b/);
  });

  it('removes a scheme only while it still points at this installation', () => {
    const unregister = macro(nsh, 'keywayUnregisterScheme');
    expect(unregister).toMatch(
      /\$\{If\} \$0 == "\$\{KEYWAY_OPEN_COMMAND\}"\s+DeleteRegKey SHCTX "Software\\Classes\\\$\{SCHEME\}"/,
    );
  });

  // What Electron 45's app.setAsDefaultProtocolClient(scheme, exe, args) writes to HKCU (shell/browser/
  // browser_win.cc, GetProtocolLaunchPath): the executable, each argument and "%1", every one quoted.
  // Older Keyway builds called it at every launch with ["--"]; that key must not outlive the app.
  const electronRuntimeCommand = (exe: string, args: string[]) =>
    [exe, ...args, '%1'].map((part) => `"${part}"`).join(' ');
  // NSIS's "$\"" is a literal quote; ${KEYWAY_EXE} is the installed executable.
  const nsisString = (value: string) => value.replaceAll('"', '$\\"');

  it('removes the HKCU handler older builds wrote at run time, on uninstall in either mode, and only while it opens this installation', () => {
    expect(nsh).toContain(
      `!define KEYWAY_RUNTIME_COMMAND "${nsisString(electronRuntimeCommand('${KEYWAY_EXE}', ['--']))}"`,
    );
    const runtime = macro(nsh, 'keywayUnregisterRuntimeScheme');
    // A fixed hive: HKCU is where Electron wrote, whatever the install mode (SHCTX would be HKLM per machine).
    expect(runtime).toContain('ReadRegStr $0 HKCU "Software\\Classes\\${SCHEME}\\shell\\open\\command" ""');
    expect(runtime).toMatch(
      /\$\{If\} \$0 == "\$\{KEYWAY_RUNTIME_COMMAND\}"\s+\$\{OrIf\} \$0 == "\$\{KEYWAY_OPEN_COMMAND\}"\s+DeleteRegKey HKCU "Software\\Classes\\\$\{SCHEME\}"\s+\$\{EndIf\}/,
    );
    expect(runtime.match(/DeleteRegKey/g)).toHaveLength(1);
    for (const scheme of URL_SCHEMES) {
      expect(macro(nsh, 'customUnInstall')).toContain(`!insertmacro keywayUnregisterRuntimeScheme "${scheme}"`);
      // On install too, before registering: per machine, an old HKCU key would shadow HKLM for this user.
      const install = macro(nsh, 'customInstall');
      expect(install.indexOf(`keywayUnregisterRuntimeScheme "${scheme}"`)).toBeGreaterThan(-1);
      expect(install.indexOf(`keywayUnregisterRuntimeScheme "${scheme}"`)).toBeLessThan(
        install.indexOf(`keywayRegisterScheme "${scheme}"`),
      );
    }
  });

  it('compiles with makensis, warnings as errors (install, uninstall and init use every macro)', (ctx) => {
    // electron-builder ships its own makensis and compiles installer.nsh into its script; here the
    // Debian one (apt-get install nsis) compiles it inside a stand-in with the defines it relies on.
    const makensis = ['/usr/bin/makensis', '/usr/local/bin/makensis'].find((candidate) => existsSync(candidate));
    if (makensis === undefined) {
      console.warn('url-schemes: makensis not installed (apt-get install nsis); NSIS compile check skipped.');
      ctx.skip();
      return;
    }
    const dir = mkdtempSync(path.join(os.tmpdir(), 'keyway-nsis-'));
    try {
      const script = path.join(dir, 'keyway.nsi');
      writeFileSync(
        script,
        [
          'Unicode true',
          '!define APP_EXECUTABLE_FILENAME "Keyway.exe"',
          '!define PRODUCT_NAME "Keyway"',
          'Var installMode',
          `!addincludedir "${path.join(root, 'build')}"`,
          '!include "installer.nsh"',
          'OutFile "keyway-test.exe"',
          'Function .onInit',
          '  StrCpy $installMode "all"',
          '  !insertmacro customInit',
          'FunctionEnd',
          'Section',
          '  !insertmacro customInstall',
          '  WriteUninstaller "$INSTDIR\\uninstall.exe"',
          'SectionEnd',
          'Section "Uninstall"',
          '  !insertmacro customUnInstall',
          'SectionEnd',
          '',
        ].join('\n'),
      );
      expect(() => execFileSync(makensis, ['-V2', '-WX', script], { cwd: dir, stdio: 'pipe' })).not.toThrow();
      expect(existsSync(path.join(dir, 'keyway-test.exe'))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes preset policy only per machine, and never removes it', () => {
    const install = macro(nsh, 'customInstall');
    expect(install).toMatch(/\$\{If\} \$installMode == "all"\s+!insertmacro keywayWritePolicy/);
    expect(macro(nsh, 'customInit')).toMatch(/\$\{AndIf\} \$\{Silent\}[\s\S]*SetErrorLevel 2\s+Quit/);
    expect(macro(nsh, 'customUnInstall')).not.toMatch(/Policies/);
    expect(nsh).toContain('!include "installer-policy.nsh"');
  });
});

describe('Windows MSI (build/msi-project-created.mjs + build/msi/keyway-fragment.xml)', () => {
  const fragment = read('build/msi/keyway-fragment.xml');
  // The shape of electron-builder's MSI template (packaging.test.ts runs it on the real one).
  const project = `<?xml version="1.0" encoding="UTF-8"?>
<Wix xmlns="http://wixtoolset.org/schemas/v4/wxs">
  <Product Id="*" Name="Keyway" UpgradeCode="X" Version="0.1.0.0" Language="1033" Manufacturer="Keyway">
    <Feature Id="ProductFeature" Absent="disallow">
      <ComponentGroupRef Id="ProductComponents"/>
    </Feature>
    <ComponentGroup Id="ProductComponents" Directory="APPLICATIONFOLDER">
      <Component><File Name="Keyway.exe" Source="Keyway.exe" KeyPath="yes" Id="mainExecutable"/></Component>
    </ComponentGroup>
  </Product>
</Wix>
`;

  it('registers every scheme (HKMU: HKLM per machine) with URL Protocol and "Keyway.exe" -- "%1"', () => {
    for (const scheme of URL_SCHEMES) {
      const key = `Software\\Classes\\${scheme}`;
      expect(fragment).toContain(`Root="HKMU" Key="${key}" Name="URL Protocol" Type="string" Value=""`);
      expect(fragment).toContain(
        `Root="HKMU" Key="${key}\\shell\\open\\command" Type="string" Value="&quot;[#mainExecutable]&quot; -- &quot;%1&quot;"`,
      );
    }
  });

  it('removes, on uninstall, the per-user keys older builds wrote at run time (HKCU, both schemes)', () => {
    const cleanup = read('build/msi/keyway-runtime-cleanup.xml');
    expect(parseXml(cleanup).errors).toEqual([]);
    for (const scheme of URL_SCHEMES) {
      expect(cleanup).toContain(
        `<RemoveRegistryKey Root="HKCU" Key="Software\\Classes\\${scheme}" Action="removeOnUninstall" />`,
      );
    }
    const patched = addKeywayFragment(addKeywayFragment(project, fragment), cleanup);
    expect(parseXml(patched).errors).toEqual([]);
    expect(patched.match(/<ComponentGroupRef Id="KeywayRuntimeCleanup"\/>/g)).toHaveLength(1);
    expect(patched.match(/<ComponentGroupRef Id="KeywayRegistry"\/>/g)).toHaveLength(1);
    expect(addKeywayFragment(patched, cleanup)).toBe(patched);
  });

  it('the hook adds both fragments to the project file it is given', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'keyway-msi-')), 'project.wxs');
    writeFileSync(file, project);
    try {
      vi.spyOn(console, 'log').mockImplementation(() => undefined);
      await msiProjectCreated(file);
      const written = readFileSync(file, 'utf8');
      expect(parseXml(written).errors).toEqual([]);
      for (const group of ['KeywayRegistry', 'KeywayRuntimeCleanup']) {
        expect(written).toContain(`<ComponentGroupRef Id="${group}"/>`);
        expect(written).toContain(`<ComponentGroup Id="${group}"`);
      }
    } finally {
      vi.restoreAllMocks();
      rmSync(path.dirname(file), { recursive: true, force: true });
    }
  });

  it('adds the fragment and references it from the product feature, once', () => {
    const patched = addKeywayFragment(project, fragment);
    expect(parseXml(patched).errors).toEqual([]);
    expect(patched.match(/<ComponentGroupRef Id="KeywayRegistry"\/>/g)).toHaveLength(1);
    expect(patched.indexOf('<Fragment>')).toBeGreaterThan(patched.indexOf('</Product>'));
    expect(addKeywayFragment(patched, fragment)).toBe(patched);
  });

  it('fails the build loudly when electron-builder changes its template', () => {
    expect(() =>
      addKeywayFragment(project.replace('<ComponentGroupRef Id="ProductComponents"/>', ''), fragment),
    ).toThrow(/no longer has/);
  });
});

describe('Linux deb/rpm scripts (build/linux/*.sh), run against stub commands', () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'keyway-linux-scripts-'));
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  // What electron-builder's FpmTarget does to a script: fill in ${name} macros, refuse unknown ones.
  function fillTemplate(file: string): string {
    const values: Record<string, string> = {
      executable: 'keyway',
      sanitizedProductName: 'Keyway',
      productFilename: 'Keyway',
    };
    return read(file).replace(/\$\{([a-zA-Z]+)\}/g, (_whole, name: string) => {
      const value = values[name];
      if (value === undefined) throw new Error(`${file}: electron-builder would fail on the macro \${${name}}`);
      return value;
    });
  }

  const commands = [
    'update-alternatives',
    'ln',
    'rm',
    'readlink',
    'chmod',
    'unshare',
    'apparmor_status',
    'apparmor_parser',
    'cp',
    'update-mime-database',
    'update-desktop-database',
    'xdg-mime',
    'sed',
  ];

  function run(file: string, args: string[] = []): string[] {
    const bin = mkdtempSync(path.join(work, 'bin-'));
    const log = path.join(bin, 'calls.log');
    for (const command of commands) {
      // AppArmor "not enabled", so the profile branch is skipped; everything else succeeds and is logged.
      const exit = command === 'apparmor_status' ? 1 : 0;
      const stub = path.join(bin, command);
      writeFileSync(
        stub,
        `#!/bin/sh\necho "\${0##*/} XDG_CONFIG_HOME=$XDG_CONFIG_HOME $*" >> "${log}"\nexit ${exit}\n`,
      );
      chmodSync(stub, 0o755);
    }
    const script = path.join(bin, 'script.sh');
    writeFileSync(script, fillTemplate(file));
    execFileSync('/bin/sh', [script, ...args], { env: { PATH: bin }, stdio: 'pipe' });
    try {
      return readFileSync(log, 'utf8').trim().split('\n');
    } catch {
      return [];
    }
  }

  it('after-install makes Keyway the system-wide handler of both schemes (xdg-mime into /etc/xdg)', () => {
    const calls = run('build/linux/after-install.sh', ['configure']);
    for (const scheme of URL_SCHEMES) {
      expect(calls).toContain(`xdg-mime XDG_CONFIG_HOME=/etc/xdg default keyway.desktop x-scheme-handler/${scheme}`);
    }
    expect(calls).toContain('update-desktop-database XDG_CONFIG_HOME= -q /usr/share/applications');
    expect(calls.some((call) => call.startsWith('update-alternatives') && call.includes('/opt/Keyway/keyway'))).toBe(
      true,
    );
    expect(calls.some((call) => call.startsWith('chmod') && call.includes('/opt/Keyway/chrome-sandbox'))).toBe(true);
  });

  it('after-remove cleans up on removal (deb remove, rpm 0) but not on upgrade (deb upgrade, rpm 1)', () => {
    for (const removal of ['remove', 'purge', '0']) {
      const calls = run('build/linux/after-remove.sh', [removal]);
      expect(
        calls.some((call) => call.startsWith('update-alternatives XDG_CONFIG_HOME= --remove keyway')),
        removal,
      ).toBe(true);
    }
    for (const upgrade of ['upgrade', '1', '2'])
      expect(run('build/linux/after-remove.sh', [upgrade]), upgrade).toEqual([]);
    const script = read('build/linux/after-remove.sh');
    expect(script).toMatch(
      /sed -i -E "\/\^x-scheme-handler\\\/\(keyway\|dev\\\.keyway\\\.app\)=\$DESKTOP_FILE;\?\\\$\/d" \/etc\/xdg\/mimeapps\.list/,
    );
  });

  it('both scripts are POSIX sh (rpm runs scriptlets with /bin/sh)', () => {
    for (const file of ['build/linux/after-install.sh', 'build/linux/after-remove.sh']) {
      const script = path.join(work, path.basename(file));
      writeFileSync(script, fillTemplate(file));
      expect(() => execFileSync('/bin/sh', ['-n', script])).not.toThrow();
      expect(read(file)).not.toMatch(/\[\[|\bfunction\b|==/);
    }
  });
});
