import { deepLinkJourney } from './core-journeys';

/**
 * The memory benchmark's process: electron/core alone in Node (the real keychain and settings
 * adapters, no harness, no UI), one full deep-link sign-in, then its resident size in MB on stdout.
 * Usage: node core-memory.mjs <deep link> <password>
 */
const [link, password] = process.argv.slice(2);
if (link === undefined || password === undefined) throw new Error('usage: core-memory.mjs <deep link> <password>');
await deepLinkJourney(link, password);
// Let the sign-in's short-lived garbage be collected the way it would be in a running app.
await new Promise((resolve) => setTimeout(resolve, 1_000));
const usage = process.memoryUsage();
const mb = (bytes: number): string => String(bytes / 2 ** 20);
process.stdout.write(`rss ${mb(usage.rss)} heapUsed ${mb(usage.heapUsed)} heapTotal ${mb(usage.heapTotal)}\n`);
