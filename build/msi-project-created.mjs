// electron-builder msiProjectCreated hook (electron-builder.yml: msiProjectCreated). electron-builder's MSI
// target registers no URL scheme and knows nothing of our policy, and it compiles only the project.wxs it
// generates; this hook is its documented way in: it receives that file's path before WiX compiles it and
// adds build/msi/keyway-fragment.xml (URL schemes, preset-policy properties and registry values; generated
// from the policy schema) and build/msi/keyway-runtime-cleanup.xml (removes the per-user keyway:// keys
// older builds wrote at run time), plus a reference to each of their component groups from the feature.
import { readFile, writeFile } from 'node:fs/promises';

const FRAGMENTS = [
  new URL('./msi/keyway-fragment.xml', import.meta.url),
  new URL('./msi/keyway-runtime-cleanup.xml', import.meta.url),
];
const FEATURE_ANCHOR = '<ComponentGroupRef Id="ProductComponents"/>';

/** Pure: the project with our fragment in it, each of its component groups referenced from the feature. */
export function addKeywayFragment(project, fragment) {
  const groups = [...fragment.matchAll(/<ComponentGroup Id="([^"]+)"/g)].map((match) => match[1]);
  const references = groups.map((id) => `<ComponentGroupRef Id="${id}"/>`);
  if (references.length > 0 && references.every((reference) => project.includes(reference))) return project;
  const end = project.lastIndexOf('</Wix>');
  if (!project.includes(FEATURE_ANCHOR) || end === -1) {
    throw new Error(
      `msiProjectCreated: electron-builder's MSI project no longer has ${FEATURE_ANCHOR} and </Wix>; update build/msi-project-created.mjs`,
    );
  }
  const withReference = project.replace(FEATURE_ANCHOR, [FEATURE_ANCHOR, ...references].join('\n      '));
  const at = withReference.lastIndexOf('</Wix>');
  return `${withReference.slice(0, at)}${fragment.trim()}\n${withReference.slice(at)}`;
}

export async function msiProjectCreated(projectFile) {
  let project = await readFile(projectFile, 'utf8');
  for (const file of FRAGMENTS) project = addKeywayFragment(project, await readFile(file, 'utf8'));
  await writeFile(projectFile, project);
  console.log(
    'MSI: added keyway:// and dev.keyway.app registration, the KEYWAY_* policy properties, and the removal of per-user registrations older builds wrote.',
  );
}

export default msiProjectCreated;
