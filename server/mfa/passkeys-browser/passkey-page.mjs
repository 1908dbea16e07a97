/* global document, HTMLFormElement, HTMLButtonElement -- a browser script (bundled by esbuild), not Node */
// The one script of the server's passkey pages, served as /assets/passkey.js with `script-src 'self'`
// (esbuild bundles it with @simplewebauthn/browser: scripts/build-node.mjs, server/mfa/passkeys-script.ts).
// It reads the ceremony's options from the form's data-options attribute, runs the WebAuthn ceremony on
// the button press, and posts the answer as the form's `response` field. Without JavaScript or WebAuthn
// the page's own text says so and offers the other ways; nothing here is needed to leave the page.
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from '@simplewebauthn/browser';

const form = document.getElementById('passkey-form');
const button = document.getElementById('passkey-button');
const needs = document.getElementById('passkey-needs');
const problem = document.getElementById('passkey-error');

function show(message) {
  if (!problem) return;
  problem.textContent = message;
  problem.hidden = false;
}

if (form instanceof HTMLFormElement && button instanceof HTMLButtonElement && browserSupportsWebAuthn()) {
  if (needs) needs.hidden = true;
  button.hidden = false;
  const kind = form.dataset.passkey;
  const options = JSON.parse(form.dataset.options ?? '{}');
  let busy = false;
  form.addEventListener('submit', (event) => {
    if (form.elements.namedItem('response').value !== '') return;
    event.preventDefault();
    if (busy) return;
    busy = true;
    button.disabled = true;
    if (problem) problem.hidden = true;
    const ceremony =
      kind === 'create' ? startRegistration({ optionsJSON: options }) : startAuthentication({ optionsJSON: options });
    ceremony.then(
      (answer) => {
        form.elements.namedItem('response').value = JSON.stringify(answer);
        form.submit();
      },
      (error) => {
        busy = false;
        button.disabled = false;
        // NotAllowedError: the user cancelled or the time ran out (WebAuthn §6.3.3); say so plainly, in
        // the page's language (the server writes both messages on the form: passkeys-page.ts).
        show(
          error && error.name === 'NotAllowedError'
            ? (form.dataset.cancelled ??
                'No passkey was used (cancelled or timed out). Press the button to try again, or choose another way.')
            : (form.dataset.failed ?? 'The passkey could not be used here. Try again, or choose another way.'),
        );
      },
    );
  });
}
