#!/usr/bin/env node
// Prints an access token of a development user for curl:
//   node oidc/token.mjs alice    (the dev provider at OIDC_ISSUER must be running)
// It signs in the way a browser does, through the provider's own login form: the
// authorization code flow with PKCE for the public `dev-cli` client.
import { createHash, randomBytes } from "node:crypto";

import { DEV_CLI_CLIENT, DEV_CLI_REDIRECT, USERS } from "./dev-users.mjs";

const [user] = process.argv.slice(2);
const issuer = process.env.OIDC_ISSUER?.trim();
if (!issuer) fail("OIDC_ISSUER is not set: the dev provider's URL, e.g. http://127.0.0.1:9400");
if (!user || !USERS[user]) fail(`usage: token.mjs <user>, one of ${Object.keys(USERS).join(", ")}`);

function fail(message) {
  console.error(message);
  process.exit(2);
}

const cookies = new Map();

/** One request without following redirects, keeping the provider's cookies like a browser. */
async function step(url, init = {}) {
  const response = await fetch(url, {
    ...init,
    redirect: "manual",
    headers: { ...init.headers, cookie: [...cookies].map(([k, v]) => `${k}=${v}`).join("; ") },
  });
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(";");
    const at = pair.indexOf("=");
    cookies.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return response;
}

const location = (response, base) => {
  const target = response.headers.get("location");
  if (!target) fail(`the provider answered ${response.status} where a redirect was expected`);
  return new URL(target, base).href;
};

let discovery;
try {
  discovery = await (await fetch(new URL(".well-known/openid-configuration", `${issuer}/`))).json();
} catch (error) {
  fail(`OIDC_ISSUER (${issuer}) is unreachable: ${error.cause?.code ?? error.message}`);
}
const verifier = randomBytes(32).toString("base64url");
const authorize = new URL(discovery.authorization_endpoint);
authorize.search = new URLSearchParams({
  client_id: DEV_CLI_CLIENT,
  redirect_uri: DEV_CLI_REDIRECT,
  response_type: "code",
  scope: "openid profile email offline_access",
  code_challenge: createHash("sha256").update(verifier).digest("base64url"),
  code_challenge_method: "S256",
  state: randomBytes(16).toString("base64url"),
}).toString();

// authorize → login form → (provider resumes) → callback with the code
let url = location(await step(authorize), authorize);
const form = `${url}/login`;
url = location(
  await step(form, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ username: user, password: user }).toString(),
  }),
  form,
);
while (!url.startsWith(DEV_CLI_REDIRECT)) url = location(await step(url), url);
const callback = new URL(url);
const code = callback.searchParams.get("code");
if (!code) fail(`sign-in failed: ${callback.searchParams.get("error_description") ?? url}`);

const tokens = await fetch(discovery.token_endpoint, {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded" },
  body: new URLSearchParams({
    grant_type: "authorization_code",
    client_id: DEV_CLI_CLIENT,
    redirect_uri: DEV_CLI_REDIRECT,
    code,
    code_verifier: verifier,
  }).toString(),
});
const body = await tokens.json();
if (!tokens.ok) fail(`token request failed: ${body.error}: ${body.error_description}`);
console.log(body.access_token);
