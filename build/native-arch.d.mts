export declare const BUILDER_ARCH: Readonly<Record<number, string>>;
export interface NativeBinaryArch {
  readonly format: 'elf' | 'macho' | 'pe';
  readonly archs: string[];
}
export function nativeBinaryArch(bytes: Uint8Array): NativeBinaryArch;
export function archMismatch(found: NativeBinaryArch, platform: string, arch: string): string | null;
export function checkNativeModules(appOutDir: string, platform: string, builderArch: number): Promise<string[]>;
