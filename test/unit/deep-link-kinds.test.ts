import { describe, expect, it } from 'vitest';
import { KeywayCore } from '../../electron/core/keyway-core';
import { LINK_KINDS, linkEvent } from '../../electron/core/onboarding/links';
import { acceptsLink, transition, type OnboardingState } from '../../electron/core/onboarding/machine';
import type { View } from '../../electron/ipc/view';
import { MAX_DEEP_LINK_LENGTH } from '../../protocol/deep-link';
import { buildDeepLink } from '../../protocol/deployment-link';
import { codeFor } from './support/fixtures';
import { memorySecretStore, memorySettingsStore } from './support/memory-ports';

/**
 * A `keyway://` link is looked up by its kind (electron/core/onboarding/links.ts): a kind Keyway acts
 * on becomes its event, any other is refused at the door, and an accepted kind still waits for a screen
 * that accepts links. Hostile input: a kind Keyway does not know, an oversized link, a link arriving
 * half-way through a journey.
 */

function coreWithNoServer(requested: string[]): KeywayCore {
  return new KeywayCore({
    plainHttpLoopback: true,
    secrets: memorySecretStore(),
    settings: memorySettingsStore(),
    fetch: (url) => {
      requested.push(url instanceof Request ? url.url : url.toString());
      return Promise.reject(new TypeError('fetch failed'));
    },
    clock: { now: () => 0 },
    policy: {},
    browser: { open: () => Promise.reject(new Error('no browser in unit tests')) },
  });
}

const deployLink = buildDeepLink(codeFor('https://first.example.com'));

describe('the table of link kinds', () => {
  it('knows the deployment link, case-insensitively as the OS may hand it over', () => {
    expect(Object.keys(LINK_KINDS)).toEqual(['deploy']);
    expect(linkEvent(deployLink)).toEqual({ event: { type: 'deepLink.opened', url: deployLink } });
    const shouted = deployLink.replace('keyway://deploy', 'KEYWAY://DEPLOY');
    expect(linkEvent(shouted)).toEqual({ event: { type: 'deepLink.opened', url: shouted } });
  });

  it.each([
    ['another action', `keyway://settings?code=${codeFor()}`, /asks for "settings"/],
    ['a look-alike of a kind', 'keyway://deploy.evil.example?code=x', /asks for "deploy.evil.example"/],
    ['a prototype key', 'keyway://constructor?x=1', /asks for "constructor"/],
    ['an empty kind', 'keyway:///?code=x', /asks for something/],
    ['a kind too long to repeat', `keyway://${'a'.repeat(60)}?code=x`, /asks for something/],
  ])(
    'refuses a kind it does not know (%s) with link_malformed, before any screen sees the link',
    (_n, url, message) => {
      const found = linkEvent(url);
      expect(found).toMatchObject({ refused: { code: 'link_malformed' } });
      expect('refused' in found && found.refused.message).toMatch(message);
    },
  );

  it('hands text that is no keyway:// URL to the deployment parser, which words the problem', () => {
    expect(linkEvent('https://keyway.example.com/deploy?code=X')).toMatchObject({ event: { type: 'deepLink.opened' } });
    expect(linkEvent('javascript:alert(1)')).toMatchObject({ event: { type: 'deepLink.opened' } });
  });
});

describe('KeywayCore.openDeepLink on hostile input', () => {
  it('an unknown kind lands on Welcome as a refusal: the link text is not echoed and nothing is requested', async () => {
    const requested: string[] = [];
    const core = coreWithNoServer(requested);
    await core.start();
    core.openDeepLink(`keyway://settings?code=${codeFor()}&steal=1`);
    const view = core.getView();
    expect(view).toMatchObject({ screen: 'welcome', input: '', error: { code: 'link_malformed' } });
    expect(JSON.stringify(view)).not.toContain('steal');
    expect(requested).toEqual([]);
  });

  it('an oversized link is refused with link_too_long, even of a known kind', async () => {
    const core = coreWithNoServer([]);
    await core.start();
    core.openDeepLink(`${deployLink}&pad=${'x'.repeat(MAX_DEEP_LINK_LENGTH)}`);
    expect(core.getView()).toMatchObject({ screen: 'welcome', input: '', error: { code: 'link_too_long' } });
  });

  it('a link arriving on a screen that refuses links waits, then opens once the user is back on one that accepts', async () => {
    const core = coreWithNoServer([]);
    await core.start();
    core.openDeepLink(deployLink);
    expect(core.getView()).toMatchObject({ screen: 'confirmServer', serverHost: 'first.example.com' });
    // Confirm server refuses links: a second one (and an unknown kind) must not take it over.
    const second = buildDeepLink(codeFor('https://second.example.com'));
    core.openDeepLink(second);
    core.openDeepLink('keyway://settings?x=1');
    expect(core.getView()).toMatchObject({ screen: 'confirmServer', serverHost: 'first.example.com' });
    // Cancel: back on Welcome, the waiting links open in arrival order: the second deployment first.
    const seen: View[] = [];
    core.onView((view) => seen.push(view));
    core.send({ type: 'cancel.pressed' });
    expect(core.getView()).toMatchObject({ screen: 'confirmServer', serverHost: 'second.example.com' });
    core.send({ type: 'cancel.pressed' });
    expect(core.getView()).toMatchObject({ screen: 'welcome', error: { code: 'link_malformed' } });
    expect(seen.map((view) => view.screen)).toContain('confirmServer');
  });
});

describe('which screens accept a link', () => {
  it('the step says (acceptsLinks): Welcome takes the link, Confirm server holds it', () => {
    const welcome: OnboardingState = {
      context: { policy: {}, profiles: [] },
      screen: { kind: 'welcome', input: '', error: null },
    };
    const event = { type: 'deepLink.opened', url: deployLink } as const;
    expect(acceptsLink(welcome.screen, event)).toBe(true);
    const confirm = transition(welcome, event).state;
    expect(confirm.screen.kind).toBe('confirmServer');
    expect(acceptsLink(confirm.screen, event)).toBe(false);
    expect(transition(confirm, event).state).toBe(confirm);
  });
});
