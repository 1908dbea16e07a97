import type { FuseV1Config } from '@electron/fuses';

/** The part of electron-builder's AfterPackContext this hook reads. */
export interface KeywayPackContext {
  readonly appOutDir: string;
  readonly electronPlatformName: string;
  readonly arch: number;
  readonly packager: { readonly executableName: string; readonly appInfo: { readonly productFilename: string } };
}

export function keywayFuses(env?: Readonly<Record<string, string | undefined>>): FuseV1Config;
export function electronBinaryPath(context: KeywayPackContext): string;
export function fuseConfigFor(
  context: KeywayPackContext,
  env?: Readonly<Record<string, string | undefined>>,
  host?: NodeJS.Platform,
): FuseV1Config;
export function afterPack(
  context: KeywayPackContext,
  env?: Readonly<Record<string, string | undefined>>,
): Promise<void>;
export default afterPack;
