import { z } from "zod";

import { DEFAULT_BACKEND_URL, DEFAULT_METRICS_PORT, DEFAULT_PORT, SERVICE_NAME } from "./service";

const LOG_LEVELS = ["fatal", "error", "warn", "info", "debug", "trace", "silent"] as const;

const isOrigin = (url: URL) => url.pathname === "/" && !url.search && !url.hash;

const origin = z
  .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:8000" })
  .refine((value) => !URL.canParse(value) || isOrigin(new URL(value)), {
    error: "must be an origin without a path: the API prefix is added by the app",
  })
  .transform((value) => new URL(value).origin);

const port = z.coerce.number().int().min(1).max(65535);

const schema = z
  .object({
    PORT: port.default(DEFAULT_PORT),
    // Prometheus scrapes /metrics here, beside the app's port: no edge routes to it.
    METRICS_PORT: port.default(DEFAULT_METRICS_PORT),
    HOSTNAME: z.string().min(1).default("127.0.0.1"),
    BACKEND_URL: origin.default(DEFAULT_BACKEND_URL),
    LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
    OTEL_EXPORTER_OTLP_ENDPOINT: z
      .url({
        protocol: /^https?$/,
        error: "must be an http(s) URL such as http://otel-collector:4318",
      })
      .optional(),
    // Read by the OTLP exporter itself; checked here so a typo fails at startup.
    OTEL_EXPORTER_OTLP_PROTOCOL: z
      .enum(["http/protobuf", "http/json"], { error: "must be http/protobuf or http/json" })
      .optional(),
    OTEL_SERVICE_NAME: z.string().min(1).default(SERVICE_NAME),
  })
  .refine((config) => config.METRICS_PORT !== config.PORT, {
    path: ["METRICS_PORT"],
    error: "must differ from PORT: the metrics have a port of their own",
  });

export type Config = z.infer<typeof schema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads `env` with `schema`; empty values count as unset. Every problem names its variable. */
export function parseWith<T extends z.ZodType>(
  schema: T,
  env: Record<string, string | undefined>,
): z.infer<T> {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ""),
  );
  const result = schema.safeParse(present);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => {
      const name = issue.path.join(".");
      // Secrets are never echoed into logs.
      const value = name.endsWith("SECRET") ? undefined : present[name];
      return `${name}: ${issue.message}${value === undefined ? "" : ` (got ${JSON.stringify(value)})`}`;
    });
    throw new ConfigError(`Invalid environment configuration:\n  ${problems.join("\n  ")}`);
  }
  return result.data;
}

/** Reads the settings from `env`; empty values count as unset. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  return parseWith(schema, env);
}

let cached: Config | undefined;

/** The process's settings, validated once; read at request time, never baked into the build. */
export function getConfig(): Config {
  cached ??= parseConfig(process.env);
  return cached;
}
