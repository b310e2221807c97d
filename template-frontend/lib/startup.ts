import { ConfigError, getConfig, type Config } from "./config";

/**
 * The settings, checked when the server starts. A bad variable stops the process with a
 * message naming it, instead of a server that fails on every request.
 */
export function configOrExit(exit: (code: number) => never = (code) => process.exit(code)): Config {
  try {
    return getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return exit(1);
  }
}
