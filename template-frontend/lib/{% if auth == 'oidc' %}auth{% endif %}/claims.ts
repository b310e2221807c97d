/** The signed-in user as this app sees it: who, of which tenant, with which roles. */
export type UserClaims = { roles: string[]; tenant: string | null };

type Claims = Record<string, unknown>;

/**
 * A claim by name: the name as a whole first (Auth0's `https://example.com/roles`), then as
 * a dotted path into nested objects (Keycloak's `realm_access.roles`).
 */
export function claim(claims: Claims, name: string): unknown {
  if (name in claims) return claims[name];
  let value: unknown = claims;
  for (const part of name.split(".")) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Claims)[part];
  }
  return value;
}

/** The claims of a JWT, unverified: only to show the user what the API will check itself. */
export function jwtClaims(token: string | undefined): Claims {
  const payload = token?.split(".")[1];
  if (!payload) return {};
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    return typeof claims === "object" && claims !== null ? (claims as Claims) : {};
  } catch {
    return {};
  }
}

/** Roles (a list, or one space-separated string) and tenant, from the first source with them. */
export function userClaims(
  sources: Claims[],
  names: { roles: string; tenant: string },
): UserClaims {
  let roles: string[] = [];
  let tenant: string | null = null;
  for (const source of sources) {
    const found = claim(source, names.roles);
    if (!roles.length && Array.isArray(found)) roles = found.filter((r) => typeof r === "string");
    if (!roles.length && typeof found === "string") roles = found.split(" ").filter(Boolean);
    const tenantFound = claim(source, names.tenant);
    if (tenant === null && typeof tenantFound === "string" && tenantFound) tenant = tenantFound;
  }
  return { roles, tenant };
}

export const canWrite = (user: UserClaims | null | undefined) =>
  Boolean(user?.roles.includes("writer"));
