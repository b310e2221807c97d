import type { Session } from "next-auth";

import type { SignedInUser } from "@/components/Account";

/** The user a session shows, or null when signed out or when the session needs a new sign-in. */
export function signedInUser(session: Session | null): SignedInUser | null {
  if (!session?.user || session.error) return null;
  return {
    name: session.user.name ?? session.user.email ?? "Signed in",
    roles: session.roles,
    tenant: session.tenant,
  };
}
