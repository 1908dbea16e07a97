// electron-builder msiProjectCreated hook (electron-builder.yml: msiProjectCreated). electron-builder's MSI
// target registers no URL scheme and knows nothing of our policy, and it compiles only the project.wxs it
// generates; this hook is its documented way in: it receives that file's path before WiX compiles it and
// adds buil./msi/keyway-fragment.xml (URL schemes, preset-policy properties and registry values; generated
// from the policy schema) plus a reference to it from the product's feature.
import { readFile, writeFile } from 'node:fs/promises';

const FRAGMENT = new URL('./msi/keyway-fragment.xml', import.meta.url);
const FEATURE_ANCHOR = '<ComponentGroupRef Id="ProductComponents"/>';
const REFERENCE = '<ComponentGroupRef Id="KeywayRegistry"/>';

/** Pure: the project with our fragment in it. Throws when electron-builder's template changed shape. */
export function addKeywayFragment(project, fragment) {
  if (project.includes(REFERENCE)) return project;
  const end = project.lastIndexOf('</Wix>');
  if (!project.includes(FEATURE_ANCHOR) || end === -1) {
    throw new Error(
      `msiProjectCreated: electron-builder's MSI project no longer has ${FEATURE_ANCHOR} and </Wix>; update build/msi-project-created.mjs`,
    );
  }
  const withReference = project.replace(FEATURE_ANCHOR, `${FEATURE_ANCHOR}\n      ${REFERENCE}`);
  const at = withReference.lastIndexOf('</Wix>');
  return `${withReference.slice(0, at)}${fragment.trim()}\n${withReference.slice(at)}`;
}

export async function msiProjectCreated(projectFile) {
  const [project, fragment] = await Promise.all([readFile(projectFile, 'utf8'), readFile(FRAGMENT, 'utf8')]);
  await writeFile(projectFile, addKeywayFragment(project, fragment));
  console.log('MSI: added keyway:// and dev.keyway.app registration and the KEYWAY_* policy properties.');
}

export default msiProjectCreated;
