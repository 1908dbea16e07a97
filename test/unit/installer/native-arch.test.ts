import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { archMismatch, checkNativeModules, nativeBinaryArch } from '../../../build/native-arch.mjs';
import { CPU, EM, PE, elf, fatMachO, machO, peFile, realKeytarNode } from './native-headers';

const X64 = 1;
const ARM64 = 3;
const UNIVERSAL = 4;

describe('reading a native module header (build/native-arch.mjs)', () => {
  it('the real keytar.node built here: ELF x86-64', () => {
    expect(nativeBinaryArch(realKeytarNode())).toEqual({ format: 'elf', archs: ['x64'] });
  });

  it.each([
    [elf(EM.arm64), 'arm64'],
    [elf(EM.ia32, { bits: 32 }), 'ia32'],
    [elf(EM.armv7l, { bits: 32 }), 'armv7l'],
    [elf(EM.arm64, { bigEndian: true }), 'arm64'],
  ])('ELF e_machine → %#', (bytes, arch) => {
    expect(nativeBinaryArch(bytes)).toEqual({ format: 'elf', archs: [arch] });
  });

  it('Mach-O thin and fat (universal), 32- and 64-bit fat tables', () => {
    expect(nativeBinaryArch(machO(CPU.x64))).toEqual({ format: 'macho', archs: ['x64'] });
    expect(nativeBinaryArch(machO(CPU.arm64))).toEqual({ format: 'macho', archs: ['arm64'] });
    expect(nativeBinaryArch(fatMachO([CPU.x64, CPU.arm64]))).toEqual({ format: 'macho', archs: ['x64', 'arm64'] });
    expect(nativeBinaryArch(fatMachO([CPU.arm64], { wide: true }))).toEqual({ format: 'macho', archs: ['arm64'] });
  });

  it('PE Machine, wherever e_lfanew points', () => {
    expect(nativeBinaryArch(peFile(PE.x64))).toEqual({ format: 'pe', archs: ['x64'] });
    expect(nativeBinaryArch(peFile(PE.arm64, 0xf8))).toEqual({ format: 'pe', archs: ['arm64'] });
    expect(nativeBinaryArch(peFile(PE.ia32))).toEqual({ format: 'pe', archs: ['ia32'] });
  });

  it.each([
    [Buffer.from('not a binary at all'), /not an ELF, Mach-O or PE/],
    [Buffer.from([0x7f]), /truncated binary/],
    [elf(EM.x64).subarray(0, 0x10), /truncated ELF/],
    [elf(0x28e), /unknown ELF e_machine 0x28e/],
    [elf(EM.x64).fill(9, 5, 6), /bad ELF byte order/],
    [machO(0x99), /unknown Mach-O cputype 0x99/],
    [fatMachO([CPU.x64, CPU.arm64]).subarray(0, 20), /truncated Mach-O fat/],
    [Buffer.from([0xca, 0xfe, 0xba, 0xbe, 0, 0, 0, 52, 0, 0]), /not a fat Mach-O \(52 slices\)/], // a Java class
    [peFile(PE.x64).fill(0, 0x80, 0x84), /without a PE signature/],
    [peFile(PE.x64, 0x1000).subarray(0, 0x200), /truncated PE/],
    [peFile(0x5064), /unknown PE Machine 0x5064/],
  ])('refuses %# with a specific reason', (bytes, reason) => {
    expect(() => nativeBinaryArch(bytes)).toThrow(reason);
  });
});

describe('matching a binary to the build target', () => {
  it('the same OS format and architecture passes; anything else says what is wrong', () => {
    expect(archMismatch({ format: 'elf', archs: ['x64'] }, 'linux', 'x64')).toBeNull();
    expect(archMismatch({ format: 'elf', archs: ['x64'] }, 'linux', 'arm64')).toBe(
      'is built for x64, but this build targets arm64',
    );
    expect(archMismatch({ format: 'elf', archs: ['x64'] }, 'win32', 'x64')).toBe('is ELF, but win32 needs PE');
    expect(archMismatch({ format: 'pe', archs: ['arm64'] }, 'win32', 'arm64')).toBeNull();
    expect(archMismatch({ format: 'macho', archs: ['x64'] }, 'darwin', 'arm64')).toMatch(/targets arm64/);
    expect(archMismatch({ format: 'macho', archs: ['x64'] }, 'mas', 'x64')).toBeNull();
  });

  it('a universal macOS app needs both slices; a fat binary serves either thin target', () => {
    expect(archMismatch({ format: 'macho', archs: ['x64', 'arm64'] }, 'darwin', 'universal')).toBeNull();
    expect(archMismatch({ format: 'macho', archs: ['arm64'] }, 'darwin', 'universal')).toMatch(/targets universal/);
    expect(archMismatch({ format: 'macho', archs: ['x64'] }, 'darwin', 'universal')).toMatch(/targets universal/);
    expect(archMismatch({ format: 'macho', archs: ['x64', 'arm64'] }, 'darwin', 'arm64')).toBeNull();
  });
});

describe('checking a packed app (what afterPack runs)', () => {
  let work = '';
  beforeAll(async () => {
    work = await mkdtemp(path.join(os.tmpdir(), 'keyway-native-'));
  });
  afterAll(async () => {
    await rm(work, { recursive: true, force: true });
  });

  async function packed(name: string, files: Record<string, Buffer>): Promise<string> {
    const out = path.join(work, name);
    for (const [file, bytes] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(out, file)), { recursive: true });
      await writeFile(path.join(out, file), bytes);
    }
    return out;
  }
  const keytar = 'resources/app.asar.unpacked/node_modules/keytar/build/Release/keytar.node';

  it('passes the real x64 keytar.node for linux-x64 and lists it', async () => {
    const out = await packed('linux-x64', { [keytar]: realKeytarNode(), keyway: Buffer.from('binary') });
    await expect(checkNativeModules(out, 'linux', X64)).resolves.toEqual([keytar]);
  });

  it('fails a linux-arm64 build that would ship the host x64 keytar.node, naming the file', async () => {
    const out = await packed('linux-arm64', { [keytar]: realKeytarNode() });
    await expect(checkNativeModules(out, 'linux', ARM64)).rejects.toThrow(
      `${keytar} is built for x64, but this build targets arm64`,
    );
  });

  it('fails a Windows or macOS build that ships the Linux binary', async () => {
    const out = await packed('win', { [keytar]: realKeytarNode() });
    await expect(checkNativeModules(out, 'win32', X64)).rejects.toThrow('is ELF, but win32 needs PE');
    await expect(checkNativeModules(out, 'darwin', X64)).rejects.toThrow('is ELF, but darwin needs MACHO');
  });

  it('checks every .node, not just the first, and reports all problems at once', async () => {
    const out = await packed('mixed', {
      [keytar]: peFile(PE.arm64),
      'resources/app.asar.unpacked/node_modules/other/other.node': peFile(PE.x64),
      'resources/app.asar.unpacked/node_modules/broken/broken.node': Buffer.from('garbage'),
    });
    const failure = checkNativeModules(out, 'win32', ARM64);
    await expect(failure).rejects.toThrow(/other\.node is built for x64, but this build targets arm64/);
    await expect(failure).rejects.toThrow(/broken\.node: not an ELF, Mach-O or PE binary/);
  });

  it('macOS universal: a fat keytar.node passes, a thin one fails', async () => {
    const bundleKeytar = `Keyway.app/Contents/Resources/app.asar.unpacked/node_modules/keytar/build/Release/keytar.node`;
    const fat = await packed('mac-fat', { [bundleKeytar]: fatMachO([CPU.x64, CPU.arm64]) });
    await expect(checkNativeModules(fat, 'darwin', UNIVERSAL)).resolves.toEqual([bundleKeytar]);
    const thin = await packed('mac-thin', { [bundleKeytar]: machO(CPU.arm64) });
    await expect(checkNativeModules(thin, 'darwin', UNIVERSAL)).rejects.toThrow(/targets universal/);
  });

  it('fails when no native module is shipped at all (keytar missing)', async () => {
    const out = await packed('none', { keyway: Buffer.from('binary') });
    await expect(checkNativeModules(out, 'linux', X64)).rejects.toThrow(/keytar \(the OS keychain\) is missing/);
  });
});
