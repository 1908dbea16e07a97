// Reads the architecture of a native module (.node) from its header, and checks every .node file a packed
// app ships against the build's target (called by build/after-pack.mjs). A keytar.node of the wrong
// architecture loads nowhere: the keychain is "unavailable" and nobody stays signed in. electron-builder
// ships node_modules as installed here (npmRebuild: false), so a cross-architecture build would ship the
// host's binary; this check turns that into a failed build instead of a broken app.
//
// Formats: ELF (System V gABI, e_machine at 0x12), Mach-O (<mach-o/loader.h>: cputype after the magic;
// <mach-o/fat.h>: big-endian fat headers listing one cputype per slice), PE/COFF (Microsoft PE format:
// e_lfanew at 0x3c, "PE\0\0", then IMAGE_FILE_HEADER.Machine).
import { readdir, open } from 'node:fs/promises';
import path from 'node:path';

/** builder-util's Arch enum (electron-builder's AfterPackContext.arch). */
export const BUILDER_ARCH = Object.freeze({ 0: 'ia32', 1: 'x64', 2: 'armv7l', 3: 'arm64', 4: 'universal' });

const ELF_MACHINES = { 3: 'ia32', 40: 'armv7l', 62: 'x64', 183: 'arm64' };
const MACHO_CPU_TYPES = { 7: 'ia32', 12: 'armv7l', 0x01000007: 'x64', 0x0100000c: 'arm64' };
const PE_MACHINES = { 0x014c: 'ia32', 0x01c4: 'armv7l', 0x8664: 'x64', 0xaa64: 'arm64' };
/** More slices than any real fat binary has: beyond, it is something else (a Java class shares 0xcafebabe). */
const MAX_FAT_SLICES = 16;

/**
 * The format and architecture(s) of a native binary, from its first bytes (4 KiB is plenty: the PE header
 * offset is checked against the buffer). Throws an Error with a specific message when it is none of the
 * three formats, truncated, or of an architecture Electron does not ship.
 * @param {Uint8Array} bytes
 * @returns {{ format: 'elf' | 'macho' | 'pe', archs: string[] }}
 */
export function nativeBinaryArch(bytes) {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const need = (length, what) => {
    if (buffer.length < length) throw new Error(`truncated ${what} header (${buffer.length} bytes)`);
  };
  const known = (table, code, what) => {
    const arch = table[code];
    if (arch === undefined) throw new Error(`unknown ${what} 0x${code.toString(16)}`);
    return arch;
  };
  need(4, 'binary');
  // ELF: 0x7f 'E' 'L' 'F'; EI_DATA (byte 5) says the byte order of e_machine.
  if (buffer.readUInt32BE(0) === 0x7f454c46) {
    need(0x14, 'ELF');
    const littleEndian = buffer[5] === 1;
    if (!littleEndian && buffer[5] !== 2) throw new Error(`bad ELF byte order ${buffer[5]}`);
    const machine = littleEndian ? buffer.readUInt16LE(0x12) : buffer.readUInt16BE(0x12);
    return { format: 'elf', archs: [known(ELF_MACHINES, machine, 'ELF e_machine')] };
  }
  // Mach-O thin, written in the host's (little-endian) order: cf fa ed fe (64-bit) or ce fa ed fe (32-bit).
  const le = buffer.readUInt32LE(0);
  if (le === 0xfeedfacf || le === 0xfeedface) {
    need(8, 'Mach-O');
    return { format: 'macho', archs: [known(MACHO_CPU_TYPES, buffer.readUInt32LE(4), 'Mach-O cputype')] };
  }
  // Mach-O fat (universal): big-endian; fat_arch is 20 bytes, fat_arch_64 32; cputype first in each.
  const be = buffer.readUInt32BE(0);
  if (be === 0xcafebabe || be === 0xcafebabf) {
    need(8, 'Mach-O fat');
    const count = buffer.readUInt32BE(4);
    if (count === 0 || count > MAX_FAT_SLICES) throw new Error(`not a fat Mach-O (${count} slices)`);
    const size = be === 0xcafebabf ? 32 : 20;
    need(8 + count * size, 'Mach-O fat');
    const archs = [];
    for (let i = 0; i < count; i += 1) {
      archs.push(known(MACHO_CPU_TYPES, buffer.readUInt32BE(8 + i * size), 'Mach-O cputype'));
    }
    return { format: 'macho', archs };
  }
  // PE: 'MZ', e_lfanew at 0x3c, 'PE\0\0', then the COFF Machine field.
  if (buffer[0] === 0x4d && buffer[1] === 0x5a) {
    need(0x40, 'PE');
    const pe = buffer.readUInt32LE(0x3c);
    need(pe + 6, 'PE');
    if (buffer.readUInt32BE(pe) !== 0x50450000) throw new Error('MZ file without a PE signature');
    return { format: 'pe', archs: [known(PE_MACHINES, buffer.readUInt16LE(pe + 4), 'PE Machine')] };
  }
  throw new Error('not an ELF, Mach-O or PE binary');
}

const FORMAT_OF_PLATFORM = { linux: 'elf', darwin: 'macho', mas: 'macho', win32: 'pe' };

/**
 * Why one shipped binary cannot run on the target, or null when it can. A universal macOS app needs
 * both x64 and arm64 slices; any other target needs its own architecture among the binary's.
 * @param {{ format: string, archs: string[] }} found
 * @param {string} platform electron-builder's electronPlatformName
 * @param {string} arch a BUILDER_ARCH name
 * @returns {string | null}
 */
export function archMismatch(found, platform, arch) {
  const format = FORMAT_OF_PLATFORM[platform];
  if (format === undefined) return `unknown target platform ${platform}`;
  if (found.format !== format) return `is ${found.format.toUpperCase()}, but ${platform} needs ${format.toUpperCase()}`;
  const needed = arch === 'universal' ? ['x64', 'arm64'] : [arch];
  const missing = needed.filter((a) => !found.archs.includes(a));
  if (missing.length === 0) return null;
  return `is built for ${found.archs.join(' + ')}, but this build targets ${arch}`;
}

async function* nodeFiles(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* nodeFiles(full);
    else if (entry.isFile() && entry.name.endsWith('.node')) yield full;
  }
}

async function head(file) {
  const handle = await open(file, 'r');
  try {
    const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * Checks every .node file under a packed app (app.asar.unpacked: native code cannot load from inside
 * app.asar). Throws one Error listing every problem; at least one module (keytar) must be there.
 * @param {string} appOutDir
 * @param {string} platform
 * @param {number} builderArch
 * @returns {Promise<string[]>} the files checked, relative to appOutDir
 */
export async function checkNativeModules(appOutDir, platform, builderArch) {
  const arch = BUILDER_ARCH[builderArch];
  if (arch === undefined) throw new Error(`afterPack: unknown target architecture ${builderArch}`);
  const checked = [];
  const problems = [];
  for await (const file of nodeFiles(appOutDir)) {
    const name = path.relative(appOutDir, file).split(path.sep).join('/');
    checked.push(name);
    try {
      const problem = archMismatch(nativeBinaryArch(await head(file)), platform, arch);
      if (problem) problems.push(`${name} ${problem}`);
    } catch (error) {
      problems.push(`${name}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  if (checked.length === 0) {
    problems.push('no native module at all: keytar (the OS keychain) is missing from the package');
  }
  if (problems.length > 0) {
    throw new Error(
      `afterPack: native modules that cannot run on ${platform}-${arch}:\n  ${problems.join('\n  ')}\n` +
        `Build each architecture on a host of that architecture (README, "Desktop app"): keytar ships as installed.`,
    );
  }
  return checked;
}
