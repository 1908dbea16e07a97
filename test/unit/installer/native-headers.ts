import { readFileSync } from 'node:fs';
import path from 'node:path';

/**
 * Native-module headers for the architecture check (build/native-arch.mjs). The x86-64 ELF is the real
 * keytar.node built on this machine; the others are minimal headers laid out as each format's spec says,
 * since no other platform's binary exists here.
 */
const root = path.resolve(import.meta.dirname, '..', '..', '..');
export const realKeytarNode = (): Buffer =>
  readFileSync(path.join(root, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node'));

export const EM = { ia32: 3, armv7l: 40, x64: 62, arm64: 183 } as const;
export const CPU = { ia32: 7, armv7l: 12, x64: 0x01000007, arm64: 0x0100000c } as const;
export const PE = { ia32: 0x014c, armv7l: 0x01c4, x64: 0x8664, arm64: 0xaa64 } as const;

/** An ELF header: magic, class, byte order, then e_type and e_machine at 0x10 and 0x12. */
export function elf(machine: number, { bits = 64, bigEndian = false } = {}): Buffer {
  const header = Buffer.alloc(64);
  header.writeUInt32BE(0x7f454c46, 0);
  header[4] = bits === 64 ? 2 : 1;
  header[5] = bigEndian ? 2 : 1;
  header[6] = 1;
  if (bigEndian) {
    header.writeUInt16BE(3, 0x10);
    header.writeUInt16BE(machine, 0x12);
  } else {
    header.writeUInt16LE(3, 0x10); // ET_DYN: a shared object, as a .node is
    header.writeUInt16LE(machine, 0x12);
  }
  return header;
}

/** A thin 64-bit Mach-O header (MH_MAGIC_64, little-endian as written by the compiler). */
export function machO(cputype: number): Buffer {
  const header = Buffer.alloc(32);
  header.writeUInt32LE(0xfeedfacf, 0);
  header.writeUInt32LE(cputype, 4);
  header.writeUInt32LE(6, 12); // MH_DYLIB... (MH_BUNDLE is 8; the check does not care)
  return header;
}

/** A fat (universal) Mach-O header: big-endian, one fat_arch (20 bytes) or fat_arch_64 (32) per slice. */
export function fatMachO(cputypes: number[], { wide = false } = {}): Buffer {
  const size = wide ? 32 : 20;
  const header = Buffer.alloc(8 + cputypes.length * size);
  header.writeUInt32BE(wide ? 0xcafebabf : 0xcafebabe, 0);
  header.writeUInt32BE(cputypes.length, 4);
  cputypes.forEach((cputype, index) => header.writeUInt32BE(cputype, 8 + index * size));
  return header;
}

/** A PE header: 'MZ', e_lfanew at 0x3c pointing at 'PE\0\0', then the COFF Machine field. */
export function peFile(machine: number, lfanew = 0x80): Buffer {
  const header = Buffer.alloc(lfanew + 24);
  header.write('MZ', 0, 'latin1');
  header.writeUInt32LE(lfanew, 0x3c);
  header.writeUInt32BE(0x50450000, lfanew);
  header.writeUInt16LE(machine, lfanew + 4);
  return header;
}
