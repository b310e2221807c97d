import { jwtClaims, userClaims, type UserClaims } from "./claims";

/** What the encrypted session cookie holds besides the profile. Tokens stay on the server. */
export type SessionTokens = UserClaims & {
  accessToken?: string;
  refreshToken?: string;
  /** When the access token expires, in seconds since the epoch. */
  expiresAt?: number;
  /** Set when the provider refused a refresh: the user must sign in again. */
  error?: "RefreshTokenError";
};

type ClaimNames = { roles: string; tenant: string };

type TokenResponse = {
  access_token?: string;
  refresh_token?: string;
  expires_in?: number;
  expires_at?: number;
};

/** The session's tokens right after sign-in, from the provider's token response and ID token. */
export function tokensFromSignIn(
  account: TokenResponse,
  profile: Record<string, unknown> | undefined,
  names: ClaimNames,
  now = nowSeconds(),
): SessionTokens {
  return {
    accessToken: account.access_token,
    refreshToken: account.refresh_token,
    expiresAt: account.expires_at ?? (account.expires_in ? now + account.expires_in : undefined),
    ...userClaims([profile ?? {}, jwtClaims(account.access_token)], names),
  };
}

export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** True when the access token expires within `leeway` seconds (a call may take that long). */
export function needsRefresh(tokens: SessionTokens, now = nowSeconds(), leeway = 30): boolean {
  return tokens.expiresAt !== undefined && tokens.expiresAt - leeway <= now;
}

export type Client = { tokenEndpoint: string; clientId: string; clientSecret: string };

/**
 * The tokens after a refresh token grant (RFC 6749 §6). A provider that rotates refresh
 * tokens sends a new one; one that does not keeps the old valid. A refusal marks the
 * session so that the app asks the user to sign in again.
 */
export async function refreshTokens(
  tokens: SessionTokens,
  client: Client,
  send: typeof fetch = fetch,
  now = nowSeconds(),
): Promise<SessionTokens> {
  if (!tokens.refreshToken)
    return { ...tokens, accessToken: undefined, error: "RefreshTokenError" };
  // client_secret_basic: both parts form-encoded first (RFC 6749 §2.3.1).
  const basic = Buffer.from(
    `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`,
  ).toString("base64");
  try {
    const response = await send(client.tokenEndpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: tokens.refreshToken,
      }),
      cache: "no-store",
    });
    const body = (await response.json()) as TokenResponse;
    if (!response.ok || !body.access_token)
      throw new Error(`token endpoint answered ${response.status}`);
    return {
      ...tokens,
      accessToken: body.access_token,
      refreshToken: body.refresh_token ?? tokens.refreshToken,
      expiresAt: body.expires_in ? now + body.expires_in : undefined,
      error: undefined,
    };
  } catch {
    return { ...tokens, accessToken: undefined, error: "RefreshTokenError" };
  }
}

const endpoints = new Map<string, Promise<string>>();

/** The issuer's token endpoint, from its discovery document (fetched once per issuer). */
export function tokenEndpoint(issuer: string, send: typeof fetch = fetch): Promise<string> {
  let found = endpoints.get(issuer);
  if (!found) {
    found = discover(issuer, send).then((document) => document.token_endpoint);
    found.catch(() => endpoints.delete(issuer));
    endpoints.set(issuer, found);
  }
  return found;
}

export type Discovery = { issuer: string; token_endpoint: string };

/** The issuer's discovery document (OpenID Connect Discovery 1.0 §4). */
export async function discover(issuer: string, send: typeof fetch = fetch): Promise<Discovery> {
  const url = `${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`;
  const response = await send(url, { cache: "no-store", signal: AbortSignal.timeout(5000) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const document = (await response.json()) as Partial<Discovery>;
  if (!document.token_endpoint) throw new Error(`${url} names no token_endpoint`);
  return document as Discovery;
}
