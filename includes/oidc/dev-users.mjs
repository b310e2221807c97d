// The development users of the dev OpenID provider: two tenants, two roles. Each one's
// password is its username. Tests and `make token USER=...` sign in as them.
export const USERS = {
  alice: { name: "Alice Writer", tenant: "acme", roles: ["writer", "reader"] },
  bob: { name: "Bob Reader", tenant: "acme", roles: ["reader"] },
  carol: { name: "Carol Writer", tenant: "globex", roles: ["writer", "reader"] },
};

// The public client the command-line sign-in uses (PKCE, no secret). Its callback is never
// served: the sign-in reads the code from the redirect.
export const DEV_CLI_CLIENT = "dev-cli";
export const DEV_CLI_REDIRECT = "http://127.0.0.1/dev-cli/callback";
