/**
 * The part of oidc-provider 9's API this server uses. The package ships no type declarations (and
 * @types/oidc-provider is not a dependency), so these describe what server/oidc calls, after the
 * package's docs/README.md and lib/ sources.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';
  import type { JsonWebKey } from 'node:crypto';

  export type UnknownObject = Record<string, unknown>;

  /** What models hand their adapter; only the fields the adapter indexes are named. */
  export interface AdapterPayload extends UnknownObject {
    jti?: string;
    grantId?: string;
    userCode?: string;
    uid?: string;
    /** Epoch seconds, set by consume(). */
    consumed?: number;
  }

  export interface Adapter {
    upsert(id: string, payload: AdapterPayload, expiresIn?: number): Promise<void>;
    find(id: string): Promise<AdapterPayload | undefined>;
    findByUserCode(userCode: string): Promise<AdapterPayload | undefined>;
    findByUid(uid: string): Promise<AdapterPayload | undefined>;
    consume(id: string): Promise<void>;
    destroy(id: string): Promise<void>;
    revokeByGrantId(grantId: string): Promise<void>;
  }

  export interface Account {
    accountId: string;
    claims(
      use: string,
      scope: string,
      claims: UnknownObject,
      rejected: string[],
    ): UnknownObject | Promise<UnknownObject>;
  }

  export interface Client {
    clientId: string;
    clientName?: string;
    redirectUris: string[];
    applicationType: 'native' | 'web';
    grantTypeAllowed(type: string): boolean;
    redirectUriAllowed(value: string): boolean;
  }

  export interface Grant {
    jti?: string;
    accountId?: string;
    clientId?: string;
    addOIDCScope(scope: string): void;
    getOIDCScope(): string;
    save(): Promise<string>;
  }

  export interface GrantClass {
    new (properties: { accountId: string; clientId: string }): Grant;
    find(id: string): Promise<Grant | undefined>;
  }

  /**
   * An opaque access token as lib/models/access_token.js stores it. `find` answers undefined for an
   * unknown, malformed or expired one (lib/models/base_model.js find → formats/opaque.js verify).
   */
  export interface AccessToken {
    readonly clientId?: string;
    readonly accountId?: string;
    readonly grantId?: string;
    /** Set only for a resource server's token (resource indicators); a userinfo token has none. */
    readonly aud?: string | string[];
    readonly scopes: Set<string>;
    /** Sender-constrained tokens (DPoP, mTLS certificate binding). */
    readonly jkt?: string;
    readonly 'x5t#S256'?: string;
  }

  export interface AccessTokenClass {
    find(value: string): Promise<AccessToken | undefined>;
  }

  /** The provider's browser session (lib/models/session.js). */
  export interface StoredSession {
    accountId?: string;
    /** Seconds since the epoch of the sign-in behind the session. */
    loginTs?: number;
    amr?: string[];
    acr?: string;
    destroy(): Promise<void>;
  }

  export interface SessionClass {
    findByUid(uid: string): Promise<StoredSession | undefined>;
  }

  export interface ClientClass {
    prototype: Client;
  }

  export interface Prompt {
    name: string;
    reasons: string[];
    details: UnknownObject;
  }

  export interface Interaction {
    uid: string;
    exp: number;
    returnTo: string;
    prompt: Prompt;
    params: UnknownObject;
    session?: { accountId: string; uid?: string };
    grantId?: string;
    deviceCode?: string;
  }

  export interface InteractionResults {
    login?: { accountId: string; remember?: boolean; acr?: string; amr?: string[]; ts?: number };
    consent?: { grantId?: string };
    error?: string;
    error_description?: string;
    [prompt: string]: unknown;
  }

  /** A token or code as the grant hooks see it. */
  export interface GrantSource {
    scopes: Set<string>;
  }

  export interface OIDCContext {
    route: string;
    params?: UnknownObject;
    client?: Client;
    session?: { accountId?: string; state?: { secret?: string } };
    /** The interaction's result, on the request that resumes after it. */
    result?: InteractionResults;
    entities: {
      Grant?: Grant;
      Client?: Client;
      Interaction?: Interaction;
      /** The token a revocation request named (lib/actions/revocation.js). */
      RefreshToken?: { kind: string; clientId?: string; sessionUid?: string };
    };
    provider: Provider;
    urlFor(name: string, options?: UnknownObject): string;
  }

  /** The Koa context oidc-provider's helpers receive (Koa's own types are not a dependency either). */
  export interface KoaContextWithOIDC {
    oidc: OIDCContext;
    body: unknown;
    type: string;
    status: number;
    path: string;
    url: string;
    method: string;
    req: IncomingMessage & { originalUrl?: string };
    query: Record<string, string | string[] | undefined>;
    ip: string;
    set(field: string, value: string): void;
    get(field: string): string;
    response: { get(field: string): string };
  }

  export type KoaMiddleware = (ctx: KoaContextWithOIDC, next: () => Promise<void>) => Promise<void>;

  export interface ErrorOut extends UnknownObject {
    error: string;
    error_description?: string;
  }

  export type TtlFunction = (ctx: KoaContextWithOIDC, token: unknown, client: Client) => number;

  export interface ClientMetadata extends UnknownObject {
    client_id: string;
  }

  export interface Configuration {
    adapter?: (model: string) => Adapter;
    clients?: ClientMetadata[];
    jwks?: { keys: JsonWebKey[] };
    cookies?: {
      keys?: string[];
      long?: UnknownObject;
      short?: UnknownObject;
      names?: { session?: string; interaction?: string; resume?: string };
    };
    findAccount?: (ctx: KoaContextWithOIDC, sub: string) => Promise<Account | undefined>;
    claims?: Record<string, string[] | null>;
    scopes?: string[];
    responseTypes?: string[];
    pkce?: { required?: (ctx: KoaContextWithOIDC, client: Client) => boolean };
    conformIdTokenClaims?: boolean;
    /** Authorization request parameters beyond the standard ones, handed to the interaction's params. */
    extraParams?: string[];
    rotateRefreshToken?: boolean | ((ctx: KoaContextWithOIDC) => boolean);
    issueRefreshToken?: (ctx: KoaContextWithOIDC, client: Client, source: GrantSource) => Promise<boolean>;
    expiresWithSession?: (ctx: KoaContextWithOIDC, source: GrantSource) => Promise<boolean>;
    clientBasedCORS?: (ctx: KoaContextWithOIDC, origin: string, client: Client) => boolean;
    /** Extra discovery metadata, merged over the library's defaults (lib/helpers/defaults.js). */
    discovery?: { ui_locales_supported?: string[] } & UnknownObject;
    features?: UnknownObject;
    interactions?: {
      policy?: PromptPolicy;
      url?: (ctx: KoaContextWithOIDC, interaction: Interaction) => string | Promise<string>;
    };
    renderError?: (ctx: KoaContextWithOIDC, out: ErrorOut, error: Error) => Promise<void>;
    ttl?: Record<string, number | TtlFunction>;
  }

  export class Provider {
    constructor(issuer: string, configuration?: Configuration);
    readonly issuer: string;
    /** Koa's: trust X-Forwarded-Proto/Host/For. */
    proxy: boolean;
    readonly Grant: GrantClass;
    readonly AccessToken: AccessTokenClass;
    readonly Client: ClientClass;
    readonly Session: SessionClass;
    callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
    use(middleware: KoaMiddleware): this;
    on(event: 'server_error', listener: (ctx: KoaContextWithOIDC, error: Error) => void): this;
    on(event: 'error', listener: (error: Error) => void): this;
    interactionDetails(req: IncomingMessage, res: ServerResponse): Promise<Interaction>;
    interactionFinished(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<void>;
    /** Stores the result and answers the URL that resumes the authorization (what interactionFinished redirects to). */
    interactionResult(
      req: IncomingMessage,
      res: ServerResponse,
      result: InteractionResults,
      options?: { mergeWithLastSubmission?: boolean },
    ): Promise<string>;
  }

  export default Provider;

  export interface PromptPolicy extends Array<interactionPolicy.Prompt> {
    add(prompt: interactionPolicy.Prompt, index?: number): void;
    get(name: string): interactionPolicy.Prompt | undefined;
  }

  export namespace interactionPolicy {
    class Prompt {
      constructor(options: { name: string; requestable?: boolean });
      readonly name: string;
      readonly checks: interactionPolicy.Check[] & { add(check: interactionPolicy.Check, index?: number): void };
    }
    /** A reason to prompt: the function answers true (Check.REQUEST_PROMPT) to ask for an interaction. */
    class Check {
      constructor(
        reason: string,
        description: string,
        error: string,
        check: (ctx: KoaContextWithOIDC) => boolean | Promise<boolean>,
      );
      readonly reason: string;
    }
    function base(): PromptPolicy;
  }
}
