import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { openAdminService } from '../admin/open-admin';
import type { ProviderSummary } from '../federation/provider-admin';
import { resolveDatabase, resolveDataDir } from './arguments';
import { UsageError, type CliIo } from './cli-io';

/** Where `idp add-oidc` reads the upstream client secret: never a command-line argument (ps, shell history). */
const CLIENT_SECRET_ENV = 'KEYWAY_IDP_CLIENT_SECRET';

const common = {
  'data-dir': { type: 'string' },
  database: { type: 'string' },
  id: { type: 'string' },
  name: { type: 'string' },
  domain: { type: 'string', multiple: true },
  jit: { type: 'boolean' },
  'hide-password': { type: 'boolean' },
  replace: { type: 'boolean' },
} as const;

const SUBCOMMANDS = {
  'add-saml': {
    ...common,
    metadata: { type: 'string' },
    'sso-url': { type: 'string' },
    'idp-entity-id': { type: 'string' },
    'idp-cert': { type: 'string', multiple: true },
    'sp-entity-id': { type: 'string' },
    'email-attribute': { type: 'string' },
    'name-attribute': { type: 'string' },
  },
  'add-oidc': {
    ...common,
    issuer: { type: 'string' },
    'client-id': { type: 'string' },
    'auth-method': { type: 'string' },
  },
  list: { 'data-dir': { type: 'string' }, database: { type: 'string' } },
  remove: { 'data-dir': { type: 'string' }, database: { type: 'string' }, id: { type: 'string' } },
} as const;
type Subcommand = keyof typeof SUBCOMMANDS;

export const IDP_USAGE = `  idp add-saml        --id ID --name NAME (--metadata FILE | --sso-url URL --idp-entity-id ID --idp-cert FILE...)
                      [--sp-entity-id ID] [--email-attribute A] [--name-attribute A]
                      [--domain corp.example]... [--jit] [--hide-password] [--replace]
  idp add-oidc        --id ID --name NAME --issuer URL --client-id ID [--auth-method client_secret_basic|client_secret_post]
                      [--domain corp.example]... [--jit] [--hide-password] [--replace]   (secret in $${CLIENT_SECRET_ENV})
  idp list
  idp remove          --id ID`;

/** `idp <subcommand>`: enterprise identity providers the sign-in page offers (docs/sso.md). */
export async function runIdpCommand(args: readonly string[], io: CliIo): Promise<void> {
  const [subcommand, ...rest] = args;
  if (subcommand === undefined || !Object.hasOwn(SUBCOMMANDS, subcommand)) {
    throw new UsageError(`idp needs one of: ${Object.keys(SUBCOMMANDS).join(', ')}.`);
  }
  const name = subcommand as Subcommand;
  let values: Record<string, unknown>;
  try {
    values = parseArgs({ args: rest, options: SUBCOMMANDS[name], strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const option = (key: string): string | undefined => {
    const value = values[key];
    return typeof value === 'string' ? value : undefined;
  };
  const required = (key: string): string => {
    const value = option(key)?.trim();
    if (value === undefined || value === '') throw new UsageError(`--${key} is required.`);
    return value;
  };
  const many = (key: string): string[] | undefined => {
    const value = values[key];
    return Array.isArray(value) ? value.filter((each): each is string => typeof each === 'string') : undefined;
  };
  const read = (file: string): string => readFileSync(path.resolve(io.cwd, file), 'utf8');

  const dataDir = resolveDataDir(option('data-dir'), io);
  const admin = await openAdminService({
    dataDir,
    database: resolveDatabase(dataDir, option('database'), io),
    secretKey: io.env.KEYWAY_SECRET_KEY,
  });
  try {
    const providers = admin.identityProviders;
    const shared = {
      id: name === 'list' ? '' : required('id'),
      displayName: name.startsWith('add-') ? required('name') : '',
      domains: many('domain'),
      jit: values.jit === true,
      passwordBeside: values['hide-password'] !== true,
      replace: values.replace === true,
    };
    switch (name) {
      case 'add-saml': {
        const metadata = option('metadata');
        if (metadata === undefined && option('sso-url') === undefined) {
          throw new UsageError('Give --metadata FILE, or --sso-url, --idp-entity-id and --idp-cert.');
        }
        const certificates = many('idp-cert')?.map(read);
        const summary = await providers.addSaml({
          ...shared,
          metadataXml: metadata === undefined ? undefined : read(metadata),
          ssoUrl: option('sso-url'),
          idpEntityId: option('idp-entity-id'),
          idpCertificates: certificates,
          spEntityId: option('sp-entity-id'),
          emailAttribute: option('email-attribute'),
          nameAttribute: option('name-attribute'),
        });
        printAdded(summary, io);
        return;
      }
      case 'add-oidc': {
        const secret = io.env[CLIENT_SECRET_ENV];
        const summary = await providers.addOidc({
          ...shared,
          issuer: required('issuer'),
          clientId: required('client-id'),
          clientSecret: secret === undefined || secret === '' ? undefined : secret,
          tokenEndpointAuthMethod: option('auth-method'),
        });
        printAdded(summary, io);
        return;
      }
      case 'list':
        printList(await providers.list(), io);
        return;
      case 'remove':
        await providers.remove(shared.id);
        io.out(`Removed the identity provider "${shared.id}" with its routed domains and its users' links.`);
        return;
    }
  } finally {
    admin.close();
  }
}

function printAdded(summary: ProviderSummary, io: CliIo): void {
  io.out(`${summary.created === true ? 'Added' : 'Updated'} ${describe(summary)}.`);
  printEndpoints(summary, io);
}

function printList(providers: readonly ProviderSummary[], io: CliIo): void {
  if (providers.length === 0) {
    io.out('No identity provider yet. Add one with: idp add-saml … or idp add-oidc … (see docs/sso.md)');
    return;
  }
  for (const summary of providers) {
    io.out(describe(summary));
    printEndpoints(summary, io);
  }
}

function describe(summary: ProviderSummary): string {
  const flags = [
    summary.kind.toUpperCase(),
    summary.location,
    summary.jit ? 'creates users on first sign-in' : 'known users only',
    summary.passwordBeside ? 'password form beside it' : 'enterprise sign-in only',
    summary.domains.length === 0 ? 'no routed domains' : `routes ${summary.domains.join(', ')}`,
  ];
  return `"${summary.id}" (${summary.displayName}): ${flags.join('; ')}`;
}

function printEndpoints(summary: ProviderSummary, io: CliIo): void {
  const endpoints = summary.endpoints;
  if (endpoints === undefined) {
    io.out('  Start the server once ("serve") so its public origin is known; then "idp list" shows what to register.');
    return;
  }
  if (endpoints.kind === 'saml') {
    io.out(`  SP metadata URL:  ${endpoints.metadataUrl}`);
    io.out(`  SP entity ID:     ${endpoints.spEntityId}`);
    io.out(`  ACS URL (POST):   ${endpoints.acsUrl}`);
  } else {
    io.out(`  Redirect URI:     ${endpoints.redirectUri}`);
  }
}
