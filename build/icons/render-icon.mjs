// Renders assets/logo.svg into every icon electron-builder needs, so packaging converts nothing (and
// downloads no icon tool):
//   build/icon.png       1024×1024, full bleed: Linux (and the source of the .ico)
//   build/icon.ico       16–256 px, PNG-compressed entries: Windows app, installers, MSI
//   build/icon-mac.png   1024×1024 on the macOS grid (an 824×824 tile with a margin), so the Dock icon
//                        matches its neighbours
//   build/icon.icns      16–1024 px (including @2x), PNG entries, from the same grid: macOS
// Run: node build/icons/render-icon.mjs. Uses Chromium at /usr/bin/chromium (or
// PLAYWRIGHT_CHROMIUM_EXECUTABLE); no network: the SVG is inlined as a data URL.
import { chromium } from 'playwright-core';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..', '..');
const svg = await readFile(path.join(root, 'assets', 'logo.svg'), 'utf8');
const source = `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}`;
const MAC_TILE = 824 / 1024;

const browser = await chromium.launch({
  executablePath: process.env.PLAYWRIGHT_CHROMIUM_EXECUTABLE ?? '/usr/bin/chromium',
  args: [
    '--no-sandbox',
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});

/** One transparent PNG of `size` px with the logo scaled to `tile` of it, centred. */
async function render(page, size, tile = 1) {
  const inner = Math.round(size * tile);
  const margin = (size - inner) / 2;
  await page.setViewportSize({ width: size, height: size });
  await page.setContent(
    `<!doctype html><html><body style="margin:0;background:transparent">` +
      `<img src="${source}" width="${inner}" height="${inner}" style="display:block;margin:${margin}px"></body></html>`,
  );
  await page.locator('img').evaluate((img) => img.decode());
  return page.screenshot({ omitBackground: true, clip: { x: 0, y: 0, width: size, height: size } });
}

/** ICO with PNG entries (Windows Vista and later read them; electron-builder accepts them as they are). */
function ico(entries) {
  const header = Buffer.alloc(6 + 16 * entries.length);
  header.writeUInt16LE(0, 0);
  header.writeUInt16LE(1, 2);
  header.writeUInt16LE(entries.length, 4);
  let offset = header.length;
  entries.forEach(({ size, png }, index) => {
    const at = 6 + 16 * index;
    header.writeUInt8(size >= 256 ? 0 : size, at);
    header.writeUInt8(size >= 256 ? 0 : size, at + 1);
    header.writeUInt16LE(1, at + 4);
    header.writeUInt16LE(32, at + 6);
    header.writeUInt32LE(png.length, at + 8);
    header.writeUInt32LE(offset, at + 12);
    offset += png.length;
  });
  return Buffer.concat([header, ...entries.map((entry) => entry.png)]);
}

/** ICNS with PNG entries, keyed by Apple's OSType for each size. */
function icns(entries) {
  const chunks = entries.map(({ type, png }) => {
    const head = Buffer.alloc(8);
    head.write(type, 0, 'ascii');
    head.writeUInt32BE(png.length + 8, 4);
    return Buffer.concat([head, png]);
  });
  const head = Buffer.alloc(8);
  head.write('icns', 0, 'ascii');
  head.writeUInt32BE(8 + chunks.reduce((sum, chunk) => sum + chunk.length, 0), 4);
  return Buffer.concat([head, ...chunks]);
}

try {
  const page = await browser.newPage({ deviceScaleFactor: 1 });
  const write = async (file, data) => {
    await writeFile(path.join(root, file), data);
    console.log(`Wrote ${file}.`);
  };

  await write('build/icon.png', await render(page, 1024));
  const icoEntries = [];
  for (const size of [16, 24, 32, 48, 64, 128, 256]) icoEntries.push({ size, png: await render(page, size) });
  await write('build/icon.ico', ico(icoEntries));

  await write('build/icon-mac.png', await render(page, 1024, MAC_TILE));
  const icnsTypes = [
    ['icp4', 16],
    ['icp5', 32],
    ['icp6', 64],
    ['ic07', 128],
    ['ic08', 256],
    ['ic09', 512],
    ['ic10', 1024],
    ['ic11', 32],
    ['ic12', 64],
    ['ic13', 256],
    ['ic14', 512],
  ];
  const icnsEntries = [];
  for (const [type, size] of icnsTypes) icnsEntries.push({ type, png: await render(page, size, MAC_TILE) });
  await write('build/icon.icns', icns(icnsEntries));
} finally {
  await browser.close();
}
