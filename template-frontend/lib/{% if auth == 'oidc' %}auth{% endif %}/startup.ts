import { ConfigError } from "../config";
import { getAuthConfig, type AuthConfig } from "./config";
import { discover } from "./tokens";

/** How long startup waits for the issuer (it may be starting beside this app). */
const ISSUER_WAIT_MS = 15_000;

/**
 * The sign-in settings, checked when the server starts, and the issuer reached: a bad or
 * unreachable setting stops the process with one line naming the variable.
 */
export async function authConfigOrExit(
  exit: (code: number) => never = (code) => process.exit(code),
  send: typeof fetch = fetch,
  waitMs = ISSUER_WAIT_MS,
): Promise<AuthConfig> {
  let config: AuthConfig;
  try {
    config = getAuthConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return exit(1);
  }
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      const document = await discover(config.OIDC_ISSUER, send);
      if (document.issuer.replace(/\/$/, "") !== config.OIDC_ISSUER.replace(/\/$/, "")) {
        console.error(
          `OIDC_ISSUER: the provider names itself ${document.issuer}, not ${config.OIDC_ISSUER}`,
        );
        return exit(1);
      }
      return config;
    } catch (error) {
      if (Date.now() >= deadline) {
        const reason =
          error instanceof Error
            ? ((error.cause as Error)?.message ?? error.message)
            : String(error);
        console.error(`OIDC_ISSUER: ${config.OIDC_ISSUER} is unreachable (${reason})`);
        return exit(1);
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
