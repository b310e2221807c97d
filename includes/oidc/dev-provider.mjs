#!/usr/bin/env node
// A real OpenID Connect provider for development and tests (oidc-provider, the certified
// implementation), on loopback, with seeded users of two tenants and two roles. Sign-in is
// the authorization code flow with PKCE; access tokens are JWTs for the API's audience
// (resource indicators) carrying the roles and tenant claims the backend reads.
// Never a production identity provider: its signing key lives in memory and its users here.
//
// Settings (environment):
//   OIDC_DEV_PORT               port on 127.0.0.1 (the issuer is http://127.0.0.1:<port>)
//   OIDC_CLIENT_ID              the web app's client
//   OIDC_CLIENT_SECRET          its secret (confidential client, client_secret_basic/post)
//   OIDC_REDIRECT_URIS          its callback URLs, comma-separated
//   OIDC_POST_LOGOUT_REDIRECT_URIS  where sign-out may return to, comma-separated
//   OIDC_AUDIENCE               the API's audience: access tokens are JWTs for it
//   OIDC_ROLES_CLAIM, OIDC_TENANT_CLAIM  claim names (default `roles`, `tenant`)
//   OIDC_DEV_ACCESS_TOKEN_TTL   access token lifetime in seconds (default 300)
// A second, public client `dev-cli` (PKCE, no secret) serves `token.mjs` for curl.
import { generateKeyPairSync, randomBytes } from "node:crypto";

import Provider, { errors } from "oidc-provider";

import { DEV_CLI_CLIENT, DEV_CLI_REDIRECT, USERS } from "./dev-users.mjs";

function setting(name, fallback) {
  const value = process.env[name]?.trim() || fallback;
  if (value === undefined) {
    console.error(`${name} is not set: the dev OpenID provider needs it`);
    process.exit(2);
  }
  return value;
}

const list = (value) =>
  value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);

const port = Number(setting("OIDC_DEV_PORT", "9400"));
const issuer = `http://127.0.0.1:${port}`;
const audience = setting("OIDC_AUDIENCE");
const rolesClaim = setting("OIDC_ROLES_CLAIM", "roles");
const tenantClaim = setting("OIDC_TENANT_CLAIM", "tenant");
const accessTokenTtl = Number(setting("OIDC_DEV_ACCESS_TOKEN_TTL", "300"));
const scopes = ["openid", "profile", "email", "offline_access"];

// A fresh key per start: tokens of an earlier run no longer verify, like after a rotation.
const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const signingKey = {
  ...privateKey.export({ format: "jwk" }),
  kid: `dev-${Date.now()}`,
  use: "sig",
};

const userClaims = (id) => {
  const user = USERS[id];
  return {
    sub: id,
    name: user.name,
    email: `${id}@${user.tenant}.example`,
    email_verified: true,
    [rolesClaim]: user.roles,
    [tenantClaim]: user.tenant,
  };
};

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: setting("OIDC_CLIENT_ID"),
      client_secret: setting("OIDC_CLIENT_SECRET"),
      redirect_uris: list(setting("OIDC_REDIRECT_URIS")),
      post_logout_redirect_uris: list(setting("OIDC_POST_LOGOUT_REDIRECT_URIS", "")),
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
    {
      client_id: DEV_CLI_CLIENT,
      token_endpoint_auth_method: "none",
      redirect_uris: [DEV_CLI_REDIRECT],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
    },
  ],
  jwks: { keys: [signingKey] },
  // Every client must use PKCE (S256), as public and confidential clients should.
  pkce: { required: () => true },
  scopes,
  claims: {
    openid: ["sub", rolesClaim, tenantClaim],
    profile: ["name"],
    email: ["email", "email_verified"],
  },
  // The ID token carries the profile too: the web app reads roles and tenant from it.
  conformIdTokenClaims: false,
  findAccount: (_ctx, id) =>
    USERS[id] ? { accountId: id, claims: async () => userClaims(id) } : undefined,
  // Access tokens name the user's tenant and roles for the API.
  extraTokenClaims: async (_ctx, token) => {
    if (token.kind !== "AccessToken" || !USERS[token.accountId]) return undefined;
    const { [rolesClaim]: roles, [tenantClaim]: tenant } = userClaims(token.accountId);
    return { [rolesClaim]: roles, [tenantClaim]: tenant };
  },
  // Seeded users are first-party: no consent screen, every scope and the API granted.
  loadExistingGrant: async (ctx) => {
    const { Grant } = ctx.oidc.provider;
    const grantId =
      ctx.oidc.result?.consent?.grantId || ctx.oidc.session.grantIdFor(ctx.oidc.client.clientId);
    if (grantId) return Grant.find(grantId);
    const grant = new Grant({
      clientId: ctx.oidc.client.clientId,
      accountId: ctx.oidc.session.accountId,
    });
    grant.addOIDCScope(scopes.join(" "));
    grant.addResourceScope(audience, "api");
    await grant.save();
    return grant;
  },
  // A refresh token for every sign-in of a client allowed the grant (hosted providers tie
  // it to offline_access; this one keeps sign-in free of a consent prompt).
  issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed("refresh_token"),
  ttl: {
    AccessToken: accessTokenTtl,
    IdToken: accessTokenTtl,
    RefreshToken: 24 * 3600,
    Grant: 24 * 3600,
    Session: 24 * 3600,
    Interaction: 600,
  },
  features: {
    devInteractions: { enabled: false },
    rpInitiatedLogout: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => audience,
      useGrantedResource: () => true,
      getResourceServerInfo: (_ctx, resource) => {
        if (resource !== audience) throw new errors.InvalidTarget();
        return { scope: "api", audience, accessTokenFormat: "jwt", accessTokenTTL: accessTokenTtl };
      },
    },
  },
  interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
  cookies: { keys: [randomBytes(32).toString("base64url")] },
});

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginPage(uid, message = "") {
  const users = Object.entries(USERS)
    .map(([id, user]) => `<li><code>${id}</code>: ${user.tenant}, ${user.roles.join(", ")}</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in · dev OpenID provider</title></head>
<body><main>
<h1>Sign in</h1>
${message ? `<p role="alert">${escapeHtml(message)}</p>` : ""}
<form method="post" action="/interaction/${uid}/login">
<label>Username <input name="username" autocomplete="username" autofocus></label>
<label>Password <input name="password" type="password" autocomplete="current-password"></label>
<button type="submit">Sign in</button>
</form>
<p>Development users (password: the username):</p><ul>${users}</ul>
</main></body></html>`;
}

async function formBody(req) {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > 10_000) break;
  }
  return new URLSearchParams(text);
}

// The login screen: the only interaction, since consent is granted above.
provider.use(async (ctx, next) => {
  const match = /^\/interaction\/([\w-]+)(\/login)?$/.exec(ctx.path);
  if (!match) return next();
  const [, uid, login] = match;
  const details = await provider.interactionDetails(ctx.req, ctx.res);
  if (details.uid !== uid) throw new errors.InvalidRequest("interaction mismatch");
  ctx.set("cache-control", "no-store");
  if (!login && ctx.method === "GET") {
    ctx.type = "html";
    ctx.body = loginPage(uid);
    return;
  }
  if (!login || ctx.method !== "POST") return next();
  const form = await formBody(ctx.req);
  const id = form.get("username") ?? "";
  if (!USERS[id] || form.get("password") !== id) {
    ctx.status = 401;
    ctx.type = "html";
    ctx.body = loginPage(uid, "Unknown user or wrong password");
    return;
  }
  await provider.interactionFinished(
    ctx.req,
    ctx.res,
    { login: { accountId: id } },
    {
      mergeWithLastSubmission: false,
    },
  );
});

// Why a request was refused, for the developer reading the log.
for (const event of ["grant.error", "authorization.error", "end_session.error", "server_error"]) {
  provider.on(event, (_ctx, error) => {
    console.error(
      `${event}: ${error.message}${error.error_detail ? ` (${error.error_detail})` : ""}`,
    );
  });
}

provider.listen(port, "127.0.0.1", () => {
  console.log(`dev OpenID provider at ${issuer} (users: ${Object.keys(USERS).join(", ")})`);
});
