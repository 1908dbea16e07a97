import { readFile } from 'node:fs/promises';
import path from 'node:path';
import * as prettier from 'prettier';
import { describe, expect, it } from 'vitest';
import { parseMachinePolicy, POLICY_KEY_NAMES, POLICY_KEYS } from '../../../electron/core/machine-policy';
import {
  examplePolicy,
  generatePolicyTemplates,
  msiProperty,
  nsisSwitch,
  TEMPLATE_FILES,
} from '../../../electron/core/machine-policy/templates';
import { parseXml } from '../installer/xml';

// The templates are generated from the schema (npm run policy:templates); these tests regenerate them in
// memory and fail when a committed copy differs or leaves a key out, so they can never disagree.

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const committed = (file: string) => readFile(path.join(root, file), 'utf8');

/** What scripts/policy-templates.mjs writes: JSON and Markdown through Prettier, the rest as generated. */
async function formatted(file: string, content: string): Promise<string> {
  if (!/\.(json|md)$/.test(file)) return content;
  const options = (await prettier.resolveConfig(path.join(root, file))) ?? {};
  return prettier.format(content, { ...options, filepath: path.join(root, file) });
}

const generated = generatePolicyTemplates();

describe('policy templates are in sync with the schema', () => {
  it.each(Object.keys(generated))('%s matches what the generator makes', async (file) => {
    const expected = await formatted(file, generated[file as keyof typeof generated]);
    const actual = await committed(file);
    expect(actual, `${file} is out of date: run npm run policy:templates`).toBe(expected);
  });

  it('every XML template is well-formed', async () => {
    for (const file of [TEMPLATE_FILES.admx, TEMPLATE_FILES.adml, TEMPLATE_FILES.mobileconfig]) {
      expect(parseXml(await committed(file)).errors, file).toEqual([]);
    }
    expect(parseXml(`<Wix>${await committed(TEMPLATE_FILES.msi)}</Wix>`).errors).toEqual([]);
  });
});

describe('every key is in every template', () => {
  it.each(POLICY_KEY_NAMES)('%s', async (key) => {
    const kind = POLICY_KEYS[key].kind;
    const admx = parseXml(await committed(TEMPLATE_FILES.admx)).document;
    const policy = Array.from(admx.getElementsByTagName('policy')).find(
      (element) => element.getAttribute('name') === key,
    );
    expect(policy, 'ADMX policy').toBeDefined();
    expect(policy?.getAttribute('key')).toBe('Software\\Policies\\Keyway');
    const element = { boolean: null, string: 'text', list: 'multiText' }[kind];
    if (element === null) {
      expect(policy?.getAttribute('valueName')).toBe(key);
      expect(policy?.getElementsByTagName('enabledValue')).toHaveLength(1);
    } else {
      const value = policy?.getElementsByTagName(element)[0];
      expect(value?.getAttribute('valueName'), `ADMX ${element}`).toBe(key);
    }

    const adml = await committed(TEMPLATE_FILES.adml);
    expect(adml).toContain(`<string id="${key}">`);
    expect(adml).toContain(`<string id="${key}_Explain">`);
    if (kind !== 'boolean') expect(adml).toContain(`<presentation id="${key}">`);

    expect(await committed(TEMPLATE_FILES.mobileconfig)).toContain(`<key>${key}</key>`);
    expect(JSON.parse(await committed(TEMPLATE_FILES.exampleJson))).toHaveProperty(key);
    expect(await committed(TEMPLATE_FILES.reference)).toContain(`| \`${key}\``);

    const nsis = await committed(TEMPLATE_FILES.nsis);
    expect(nsis).toContain(`\${GetOptions} $R9 "${nsisSwitch(key)}" $R8`);
    expect(nsis).toMatch(new RegExp(`WriteReg(Str|DWORD) HKLM "Software\\\\Policies\\\\Keyway" "${key}"`));

    const msi = await committed(TEMPLATE_FILES.msi);
    expect(msi).toContain(`<Property Id="${msiProperty(key)}" Secure="yes" />`);
    expect(msi).toContain(`Name="${key}"`);
    expect(msi).toContain(`Value="[${msiProperty(key)}]"`);
  });
});

describe('the examples are valid policies', () => {
  it('policy.example.json', async () => {
    const parsed = parseMachinePolicy(JSON.parse(await committed(TEMPLATE_FILES.exampleJson)), 'example');
    expect(parsed.problems).toEqual([]);
  });

  it.each(['win32', 'darwin', 'linux'] as const)('the %s example', (platform) => {
    expect(parseMachinePolicy(examplePolicy(platform), platform).problems).toEqual([]);
  });

  it('the configuration profile payload (read back from the plist XML)', async () => {
    const { document } = parseXml(await committed(TEMPLATE_FILES.mobileconfig));
    const payload = Array.from(document.getElementsByTagName('dict')).find((dict) =>
      Array.from(dict.childNodes).some((node) => node.textContent === 'dev.keyway.app' && node.nodeName === 'string'),
    );
    expect(payload).toBeDefined();
    const values = plistDict(payload as unknown as PlistNode);
    expect(values.PayloadType).toBe('dev.keyway.app');
    const settings = Object.fromEntries(Object.entries(values).filter(([key]) => !key.startsWith('Payload')));
    expect(Object.keys(settings)).toEqual(POLICY_KEY_NAMES);
    expect(parseMachinePolicy(settings, 'mobileconfig').problems).toEqual([]);
  });
});

describe('installer switches', () => {
  it('no NSIS switch is a prefix of another (NSIS matches them by prefix), none is /S or /D', () => {
    const switches = POLICY_KEY_NAMES.map((key) => nsisSwitch(key).replace(/=$/, ''));
    for (const a of switches) {
      for (const b of switches)
        if (a !== b) expect(b.toUpperCase().startsWith(a.toUpperCase()), `${a} / ${b}`).toBe(false);
      expect(['/S', '/D', '/NCRC', '/ALLUSERS', '/CURRENTUSER']).not.toContain(a.toUpperCase());
      expect(a).not.toMatch(/\/D=/i);
    }
  });

  it('MSI properties are public (upper case) and distinct', () => {
    const properties = POLICY_KEY_NAMES.map(msiProperty);
    for (const property of properties) expect(property).toMatch(/^KEYWAY_[A-Z_]+$/);
    expect(new Set(properties).size).toBe(properties.length);
  });
});

interface PlistNode {
  nodeName: string;
  textContent: string | null;
  childNodes: ArrayLike<PlistNode>;
}

/** Just enough of the plist format for the profile: dict, array, string, integer, true, false. */
function plistValue(node: PlistNode): unknown {
  switch (node.nodeName) {
    case 'dict':
      return plistDict(node);
    case 'array':
      return elements(node).map(plistValue);
    case 'string':
      return node.textContent ?? '';
    case 'integer':
      return Number(node.textContent);
    case 'true':
      return true;
    case 'false':
      return false;
    default:
      throw new Error(`unexpected plist element ${node.nodeName}`);
  }
}

function plistDict(node: PlistNode): Record<string, unknown> {
  const children = elements(node);
  const result: Record<string, unknown> = {};
  for (let index = 0; index < children.length; index += 2) {
    const key = children[index];
    const value = children[index + 1];
    if (key?.nodeName !== 'key' || value === undefined) throw new Error('malformed plist dict');
    result[key.textContent ?? ''] = plistValue(value);
  }
  return result;
}

function elements(node: PlistNode): PlistNode[] {
  return Array.from(node.childNodes).filter((child) => !child.nodeName.startsWith('#'));
}
