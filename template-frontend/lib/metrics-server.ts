import { createServer, type Server } from "node:http";

import { registry } from "./metrics";

/**
 * Serves the Prometheus metrics at /metrics on a port of their own. The app's port carries
 * every public path (at the root, /metrics would be public too); this one no edge routes to.
 */
export function serveMetrics(port: number, hostname: string): Promise<Server> {
  const server = createServer((request, response) => {
    const { pathname } = new URL(request.url ?? "/", "http://metrics.invalid");
    if (pathname !== "/metrics" || (request.method !== "GET" && request.method !== "HEAD")) {
      response.writeHead(404, { "content-type": "text/plain; charset=utf-8" }).end("not found\n");
      return;
    }
    registry.metrics().then(
      (body) =>
        response
          .writeHead(200, { "content-type": registry.contentType, "cache-control": "no-store" })
          .end(request.method === "HEAD" ? undefined : body),
      () => response.writeHead(500).end(),
    );
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}

// Once per process: a development server may load the instrumentation hook again.
const started = globalThis as typeof globalThis & { __metricsServer?: Promise<Server> };

/** Starts the metrics server once; a port it cannot take stops the process with a message. */
export async function serveMetricsOrExit(
  port: number,
  hostname: string,
  exit: (code: number) => never = (code) => process.exit(code),
): Promise<void> {
  started.__metricsServer ??= serveMetrics(port, hostname);
  try {
    await started.__metricsServer;
  } catch (error) {
    console.error(`METRICS_PORT ${port}: cannot listen on ${hostname} (${String(error)})`);
    exit(1);
  }
}
