// electron-builder afterPack hook (electron-builder.yml: afterPack). Runs once per platform and arch,
// after the app is packed and before it is signed (a fuse flip after signing would break the signature):
//  1. flips Electron's fuses, so the shipped binary cannot be turned into a Node.js interpreter or a
//     debugger target and loads only our integrity-checked app.asar;
//  2. checks that every shipped native module (.node: keytar) is built for this target's OS and
//     architecture, and fails the build otherwise (build/native-arch.mjs);
//  3. says, in one line, whether this build will be signed and notarised (build/signing.mjs).
// KEYWAY_E2E_BUILD=1 keeps the --inspect family of switches: Playwright's _electron.launch needs them.
import { FuseV1Options, FuseVersion, flipFuses } from '@electron/fuses';
import path from 'node:path';
import { BUILDER_ARCH, checkNativeModules } from './native-arch.mjs';
import { announceSigning } from './signing.mjs';

/** The fuse settings of a Keyway build. Every fuse the issue names is set explicitly. */
export function keywayFuses(env = process.env) {
  const e2e = env.KEYWAY_E2E_BUILD === '1';
  return {
    version: FuseVersion.V1,
    [FuseV1Options.RunAsNode]: false,
    [FuseV1Options.EnableCookieEncryption]: true,
    [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
    [FuseV1Options.EnableNodeCliInspectArguments]: e2e,
    [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
    [FuseV1Options.OnlyLoadAppFromAsar]: true,
    // file:// pages get a browser's privileges only. Safe because the renderer is not a file:// page: it is
    // served from app://keyway (electron/main/app-protocol.ts), as Electron recommends:
    // https://www.electronjs.org/docs/latest/tutorial/fuses#grantfileprotocolextraprivileges
    [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
  };
}

/** Where electron-builder put the Electron binary (the same rule as its own fuse support). */
export function electronBinaryPath(context) {
  const { appOutDir, electronPlatformName, packager } = context;
  const extension = { darwin: '.app', mas: '.app', win32: '.exe', linux: '' }[electronPlatformName];
  if (extension === undefined) throw new Error(`afterPack: unknown platform ${electronPlatformName}`);
  const name = electronPlatformName === 'linux' ? packager.executableName : packager.appInfo.productFilename;
  return path.join(appOutDir, `${name}${extension}`);
}

const ARM64 = 3; // builder-util's Arch.arm64

/** The whole @electron/fuses configuration for one packed app. */
export function fuseConfigFor(context, env = process.env, host = process.platform) {
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  return {
    ...keywayFuses(env),
    // An arm64 macOS binary must stay (ad-hoc) signed after its bytes change, even when unsigned otherwise.
    // That needs Apple's codesign, so only on a Mac (macOS apps are only ever built and signed there).
    resetAdHocDarwinSignature: platform === 'darwin' && context.arch === ARM64 && host === 'darwin',
  };
}

export async function afterPack(context, env = process.env) {
  const platform = context.electronPlatformName === 'mas' ? 'darwin' : context.electronPlatformName;
  const natives = await checkNativeModules(context.appOutDir, platform, context.arch);
  console.log(
    `Native modules built for ${platform}-${BUILDER_ARCH[context.arch]}: ${natives.map((file) => path.basename(file)).join(', ')}.`,
  );
  const config = fuseConfigFor(context, env);
  await flipFuses(electronBinaryPath(context), config);
  const inspect = config[FuseV1Options.EnableNodeCliInspectArguments] ? 'ON (KEYWAY_E2E_BUILD=1)' : 'off';
  console.log(
    `Electron fuses set for ${platform}: RunAsNode off, NODE_OPTIONS off, --inspect ${inspect}, cookie encryption on, app.asar only with integrity check, no extra file: privileges.`,
  );
  announceSigning(platform, env);
}

export default afterPack;
