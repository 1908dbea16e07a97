import type { MailMessage } from './mail-delivery';
import { escapeHtml } from '../http/escape-html';
import { mailDocument } from './html';

/** What changed on the account's sign-in security. */
export type SecurityEvent =
  | { kind: 'authenticator-added' }
  | { kind: 'authenticator-removed' }
  | { kind: 'device-remembered'; deviceName: string }
  | { kind: 'second-factor-locked'; minutes: number | undefined }
  | { kind: 'recovery-code-used'; remaining: number }
  | { kind: 'passkey-added'; passkeyName: string }
  | { kind: 'passkey-removed'; passkeyName: string };

export interface SecurityNoticeInput {
  to: string;
  displayName: string;
  serverName: string;
  event: SecurityEvent;
}

const SUBJECTS: Record<SecurityEvent['kind'], string> = {
  'authenticator-added': 'An authenticator app was added to your account',
  'authenticator-removed': 'An authenticator app was removed from your account',
  'device-remembered': 'A device will skip the second sign-in step',
  'second-factor-locked': 'Too many wrong sign-in codes: your second step is locked',
  'recovery-code-used': 'A recovery code was used to sign in to your account',
  'passkey-added': 'A passkey was added to your account',
  'passkey-removed': 'A passkey was removed from your account',
};

function what(event: SecurityEvent, serverName: string): string {
  switch (event.kind) {
    case 'authenticator-added':
      return `An authenticator app was just set up for your account on ${serverName}. Its codes now sign you in.`;
    case 'authenticator-removed':
      return `An authenticator app was just removed from your account on ${serverName}.`;
    case 'device-remembered':
      return `The device "${event.deviceName}" was just remembered on ${serverName}: it will sign in without a code for a while.`;
    case 'second-factor-locked':
      return event.minutes === undefined
        ? `Too many wrong codes were entered at the second sign-in step on ${serverName}. Codes are refused until your IT department resets it.`
        : `Too many wrong codes were entered at the second sign-in step on ${serverName}. Codes are refused for ${event.minutes} minutes.`;
    case 'recovery-code-used':
      return (
        `A recovery code was just used instead of the second sign-in step on ${serverName}. ` +
        (event.remaining === 0
          ? 'You have no recovery codes left: get new ones from your sign-in security settings.'
          : `You have ${event.remaining} recovery code${event.remaining === 1 ? '' : 's'} left.`)
      );
    case 'passkey-added':
      return `The passkey "${event.passkeyName}" was just added to your account on ${serverName}. It now signs you in.`;
    case 'passkey-removed':
      return `The passkey "${event.passkeyName}" was just removed from your account on ${serverName}.`;
  }
}

/**
 * A notice that a second factor changed (or was attacked). It carries no code or link, so nothing in it
 * helps an attacker who reads it; it tells the owner what happened and what to do if it was not them.
 */
export function securityNoticeEmail(input: SecurityNoticeInput): MailMessage {
  const subject = SUBJECTS[input.event.kind];
  const body = what(input.event, input.serverName);
  const advice =
    input.event.kind === 'second-factor-locked'
      ? 'Someone who knows your password may be guessing codes: change your password and tell your IT department.'
      : 'If this was not you, someone may know your password: change it and tell your IT department at once.';
  const text = [`Hello ${input.displayName},`, '', body, '', advice, ''].join('\n');
  const html = mailDocument(
    subject,
    `<p>Hello ${escapeHtml(input.displayName)},</p>
<p>${escapeHtml(body)}</p>
<p style="color:#5b6475;font-size:13px">${escapeHtml(advice)}</p>`,
  );
  return { to: input.to, subject, text, html, kind: 'security-notice' };
}
