import { readFileSync } from 'node:fs';
import { writeHeapSnapshot } from 'node:v8';
import { deepLinkJourney } from './core-journeys';

/**
 * The memory benchmark's process: electron/core alone in Node (the real keychain and settings
 * adapters, no harness, no UI), one full deep-link sign-in, then its resident size in MB on stdout.
 * Usage: node core-memory.mjs <deep link> <password>
 * The other figures on the line (the parts of `process.memoryUsage()` once the bundle is loaded and
 * after the sign-in) are for finding where a change in the resident size came from; with
 * KEYWAY_BENCH_HEAP_SNAPSHOT=<dir> a heap snapshot after the sign-in is written there too.
 */
const [link, password] = process.argv.slice(2);
if (link === undefined || password === undefined) throw new Error('usage: core-memory.mjs <deep link> <password>');
// The bundle's modules are all evaluated before this line: this is the cost of loading core.
const loaded = process.memoryUsage();
await deepLinkJourney(link, password);
// Let the sign-in's short-lived garbage be collected the way it would be in a running app.
await new Promise((resolve) => setTimeout(resolve, 1_000));
const usage = process.memoryUsage();
const mb = (bytes: number): string => String(bytes / 2 ** 20);
/** Linux only: how the resident size splits (anonymous memory vs mapped files) and how many threads run. */
function procStatus(): string {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const field = (name: string): string => new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? '?';
    const kbToMb = (kb: string): string => (kb === '?' ? kb : String(Number(kb) / 1024));
    return ` rssAnon ${kbToMb(field('RssAnon'))} rssFile ${kbToMb(field('RssFile'))} threads ${field('Threads')}`;
  } catch {
    return '';
  }
}
const snapshotDir = process.env.KEYWAY_BENCH_HEAP_SNAPSHOT;
if (snapshotDir !== undefined && snapshotDir !== '')
  writeHeapSnapshot(`${snapshotDir}/core-${process.pid}.heapsnapshot`);
process.stdout.write(
  `rss ${mb(usage.rss)} heapUsed ${mb(usage.heapUsed)} heapTotal ${mb(usage.heapTotal)}` +
    ` external ${mb(usage.external)} arrayBuffers ${mb(usage.arrayBuffers)}` +
    ` loadedRss ${mb(loaded.rss)} loadedHeapUsed ${mb(loaded.heapUsed)} loadedHeapTotal ${mb(loaded.heapTotal)}` +
    ` loadedExternal ${mb(loaded.external)}${procStatus()}\n`,
);
