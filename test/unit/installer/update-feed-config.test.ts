import { getConfig } from 'app-builder-lib/out/util/config/config';
import type { Configuration } from 'electron-builder';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UPDATE_FEED_PATH } from '../../../electron/core/updates';
import { UPDATES_PATH } from '../../../server/http/routes/updates';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const config: Configuration = await getConfig(root, null, null);

describe('electron-builder.yml publishes for the generic update feed', () => {
  // electron-builder's schema validation of the whole file, publish included: builder-config.test.ts.
  it('one generic provider, so every build writes latest*.yml; single ranges, as the server serves them', () => {
    const publish = Array.isArray(config.publish) ? config.publish : [config.publish];
    expect(publish).toHaveLength(1);
    expect(publish[0]).toMatchObject({ provider: 'generic', useMultipleRangeRequest: false });
    // The client and the server agree on where the feed lives.
    expect(UPDATE_FEED_PATH).toBe(UPDATES_PATH);
    const url = (publish[0] as { url: string }).url;
    expect(new URL(url).protocol).toBe('https:');
    expect(new URL(url).pathname).toBe(UPDATE_FEED_PATH);
  });
});
