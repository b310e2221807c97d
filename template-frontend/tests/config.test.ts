// @vitest-environment node
import { describe, expect, it, vi } from "vitest";

import { ConfigError, parseConfig } from "@/lib/config";
import {
  DEFAULT_BACKEND_URL,
  DEFAULT_METRICS_PORT,
  DEFAULT_PORT,
  SERVICE_NAME,
} from "@/lib/service";

describe("parseConfig", () => {
  it("applies the defaults when nothing is set", () => {
    expect(parseConfig({})).toEqual({
      PORT: DEFAULT_PORT,
      METRICS_PORT: DEFAULT_METRICS_PORT,
      HOSTNAME: "127.0.0.1",
      BACKEND_URL: DEFAULT_BACKEND_URL,
      LOG_LEVEL: "info",
      OTEL_SERVICE_NAME: SERVICE_NAME,
    });
  });

  it("reads and normalises every variable", () => {
    const config = parseConfig({
      PORT: "4000",
      HOSTNAME: "0.0.0.0",
      BACKEND_URL: "http://backend:8000/",
      LOG_LEVEL: "debug",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318",
      OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
      OTEL_SERVICE_NAME: "shop",
    });
    expect(config).toMatchObject({
      PORT: 4000,
      HOSTNAME: "0.0.0.0",
      BACKEND_URL: "http://backend:8000",
      LOG_LEVEL: "debug",
      OTEL_EXPORTER_OTLP_ENDPOINT: "http://otel-collector:4318",
      OTEL_SERVICE_NAME: "shop",
    });
  });

  it("treats empty values as unset", () => {
    const config = parseConfig({ BACKEND_URL: "", OTEL_EXPORTER_OTLP_ENDPOINT: " " });
    expect(config.BACKEND_URL).toBe(DEFAULT_BACKEND_URL);
    expect(config).not.toHaveProperty("OTEL_EXPORTER_OTLP_ENDPOINT");
  });

  it.each([
    ["BACKEND_URL", "backend:8000", /BACKEND_URL: must be an http\(s\) URL/],
    ["BACKEND_URL", "not a url", /BACKEND_URL: must be an http\(s\) URL/],
    ["BACKEND_URL", "http://backend:8000/api", /BACKEND_URL: must be an origin without a path/],
    ["PORT", "eighty", /PORT: .*\(got "eighty"\)/],
    ["PORT", "70000", /PORT: /],
    ["METRICS_PORT", String(DEFAULT_PORT), /METRICS_PORT: must differ from PORT/],
    ["LOG_LEVEL", "loud", /LOG_LEVEL: /],
    ["OTEL_EXPORTER_OTLP_ENDPOINT", "collector", /OTEL_EXPORTER_OTLP_ENDPOINT: must be an http/],
    ["OTEL_EXPORTER_OTLP_PROTOCOL", "grpc", /OTEL_EXPORTER_OTLP_PROTOCOL: must be http\/protobuf/],
  ])("rejects %s=%s with a message naming it", (name, value, message) => {
    expect(() => parseConfig({ [name]: value })).toThrowError(ConfigError);
    expect(() => parseConfig({ [name]: value })).toThrowError(message);
  });
});

describe("getConfig", () => {
  it("reads process.env once", async () => {
    vi.resetModules();
    vi.stubEnv("BACKEND_URL", "http://first:1");
    const { getConfig } = await import("@/lib/config");
    expect(getConfig().BACKEND_URL).toBe("http://first:1");
    vi.stubEnv("BACKEND_URL", "http://second:2");
    expect(getConfig().BACKEND_URL).toBe("http://first:1");
  });
});
