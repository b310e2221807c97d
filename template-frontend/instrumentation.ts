// Runs once when the server starts: validates the settings (a bad variable stops the server
// with a message naming it), serves the metrics on their own port, and turns tracing on when
// an OTLP endpoint is configured.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { configOrExit } = await import("./lib/startup");
  const config = configOrExit();
  const { serveMetricsOrExit } = await import("./lib/metrics-server");
  await serveMetricsOrExit(config.METRICS_PORT, config.HOSTNAME);
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  const { registerOTel } = await import("@vercel/otel");
  // The exporter follows the standard OTEL_EXPORTER_OTLP_* variables: OTLP/HTTP to
  // OTEL_EXPORTER_OTLP_ENDPOINT, protobuf unless OTEL_EXPORTER_OTLP_PROTOCOL=http/json.
  registerOTel({
    serviceName: config.OTEL_SERVICE_NAME,
    // W3C traceparent on server-side calls to the backend, so its spans join this trace.
    instrumentationConfig: { fetch: { propagateContextUrls: [config.BACKEND_URL] } },
  });
}
