import { Parser, processors } from 'xml2js';

/**
 * XML as plain objects, read with xml2js in the same configuration node-saml reads assertions with
 * (namespace prefixes stripped, every child an array, text under `_`, attributes under `$`), so this
 * server and its SAML library agree on what a document says. xml2js (via sax) expands no external
 * entities; a DOCTYPE is refused before parsing anyway.
 */
export interface XmlNode {
  $?: Record<string, string>;
  _?: string;
  [child: string]: XmlNode[] | Record<string, string> | string | undefined;
}

export async function parseXml(xml: string): Promise<{ name: string; node: XmlNode }> {
  if (/<!DOCTYPE/i.test(xml)) throw new Error('XML with a DOCTYPE is not accepted.');
  const parser = new Parser({
    explicitRoot: true,
    explicitCharkey: true,
    tagNameProcessors: [processors.stripPrefix],
  });
  const parsed: unknown = await parser.parseStringPromise(xml);
  const [name, node] = Object.entries(isNode(parsed) ? parsed : {})[0] ?? [];
  if (name === undefined || !isNode(node)) throw new Error('The XML document is empty.');
  return { name, node };
}

/** The element's children with this local name (prefixes stripped). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name];
  return Array.isArray(value) ? value.filter(isNode) : [];
}

export function attribute(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.$?.[name];
  return typeof value === 'string' ? value : undefined;
}

export function text(node: XmlNode | undefined): string | undefined {
  return typeof node?._ === 'string' ? node._ : undefined;
}

/** Every descendant (and the node itself) with this local name, depth first. */
export function descendants(node: XmlNode, name: string): XmlNode[] {
  const found: XmlNode[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$' || key === '_' || !Array.isArray(value)) continue;
    for (const child of value.filter(isNode)) {
      if (key === name) found.push(child);
      found.push(...descendants(child, name));
    }
  }
  return found;
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
