import { Window, type Document, type Element } from 'happy-dom';

/**
 * The server's HTML pages read as a browser reads them, for the scripted (fetch) browsers of the tests:
 * happy-dom's HTML parser (already a dev dependency: the renderer tests' DOM), not regular expressions,
 * so attribute order, entities and markup changes that a browser would not notice do not break a test.
 *
 * Nothing on a page runs or loads. A document made by DOMParser has scripting disabled (HTML standard,
 * "parseFromString"; happy-dom's runs none even with JavaScript evaluation on, as a mutation of
 * test/unit/provider-pages.test.ts showed, while a live document with it on does run them); on top of
 * that, JavaScript evaluation stays off (happy-dom's default since v20), script files are not loaded,
 * and stylesheets and frames load only when enabled (off by default).
 */
let parser: Window | undefined;

export function parseHtml(html: string): Document {
  parser ??= new Window({
    settings: { enableJavaScriptEvaluation: false, disableJavaScriptFileLoading: true },
  });
  return new parser.DOMParser().parseFromString(html, 'text/html');
}

/** A form as a browser would submit it before anyone types or presses anything. */
export interface PageForm {
  action: URL;
  method: 'get' | 'post';
  /** Every named field with its value: hidden fields, pre-filled text, '' for an empty one. */
  fields: Record<string, string>;
  /** Its submit buttons: the text a person reads, and the name=value a press adds (none when unnamed). */
  buttons: { label: string; name: string; value: string }[];
}

/** Every form on a parsed page, with its action resolved against the page's address. */
export function formsOf(document: Document, pageUrl: string | URL): PageForm[] {
  return [...document.querySelectorAll('form')].map((form) => {
    const fields: Record<string, string> = {};
    const buttons: PageForm['buttons'] = [];
    for (const control of form.querySelectorAll('input, textarea, select, button')) {
      const name = control.getAttribute('name') ?? '';
      const type = (control.getAttribute('type') ?? '').toLowerCase();
      if (control.tagName === 'BUTTON' || type === 'submit') {
        buttons.push({ label: text(control), name, value: control.getAttribute('value') ?? '' });
      } else if (name !== '' && !((type === 'checkbox' || type === 'radio') && !control.hasAttribute('checked'))) {
        fields[name] = control.tagName === 'TEXTAREA' ? control.textContent : (control.getAttribute('value') ?? '');
      }
    }
    const method = (form.getAttribute('method') ?? 'get').toLowerCase() === 'post' ? 'post' : 'get';
    return { action: new URL(form.getAttribute('action') ?? '', pageUrl), method, fields, buttons };
  });
}

/**
 * What a form sends when a person fills in `typed` (a button's name with its value: that button pressed).
 * A name that is neither a field nor a button of the form throws: a driver never posts what the page
 * does not ask for.
 */
export function submission(form: PageForm, typed: Record<string, string>): URLSearchParams {
  for (const name of Object.keys(typed)) {
    if (!(name in form.fields) && !form.buttons.some((button) => button.name === name))
      throw new Error(`The form posting to ${form.action.pathname} has no field or button named ${name}.`);
  }
  return new URLSearchParams({ ...form.fields, ...typed });
}

/** An element's text as a person reads it: white space folded. */
export function text(element: Element | null | undefined): string {
  return (element?.textContent ?? '').replace(/\s+/g, ' ').trim();
}

/** The page's first h1, as a person reads it ('' when it has none). */
export function heading(html: string): string {
  return text(parseHtml(html).querySelector('h1'));
}

/** The text of the page's first role=alert, or undefined when it has none. */
export function alertText(html: string): string | undefined {
  const alert = parseHtml(html).querySelector('[role="alert"]');
  return alert === null ? undefined : text(alert);
}

/** The value of the first field called `name` on the page (a hidden CSRF token, say), or undefined. */
export function fieldValue(html: string, name: string): string | undefined {
  const field = [...parseHtml(html).querySelectorAll('input, textarea')].find(
    (each) => each.getAttribute('name') === name,
  );
  if (field === undefined) return undefined;
  return field.tagName === 'TEXTAREA' ? field.textContent : (field.getAttribute('value') ?? '');
}

/** The href of the first link whose text is `label`, or undefined. */
export function linkHref(html: string, label: string): string | undefined {
  const link = [...parseHtml(html).querySelectorAll('a[href]')].find((each) => text(each) === label);
  return link?.getAttribute('href') ?? undefined;
}

/** The texts of every element `selector` finds on the page. */
export function textsOf(html: string, selector: string): string[] {
  return [...parseHtml(html).querySelectorAll(selector)].map((each) => text(each));
}

/**
 * The first form whose action ends with `actionSuffix`, as the account and admin page drivers post it:
 * its action as written (relative), its method, and only its hidden fields (what the page itself
 * fills in; a test types the rest).
 */
export function hiddenFormOf(
  html: string,
  actionSuffix: string,
): { action: string; method: 'get' | 'post'; hidden: Record<string, string> } {
  for (const form of parseHtml(html).querySelectorAll('form')) {
    const action = form.getAttribute('action') ?? '';
    if (!action.endsWith(actionSuffix)) continue;
    const hidden: Record<string, string> = {};
    for (const input of form.querySelectorAll('input')) {
      const name = input.getAttribute('name');
      if ((input.getAttribute('type') ?? '').toLowerCase() === 'hidden' && name !== null)
        hidden[name] = input.getAttribute('value') ?? '';
    }
    const method = (form.getAttribute('method') ?? '').toLowerCase() === 'get' ? 'get' : 'post';
    return { action, method, hidden };
  }
  throw new Error(`No form posting to …${actionSuffix} on:\n${html}`);
}

/** The text of the first element `selector` finds on the page, or undefined when there is none. */
export function firstText(html: string, selector: string): string | undefined {
  const element = parseHtml(html).querySelector(selector);
  return element === null ? undefined : text(element);
}
