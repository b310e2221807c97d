import { Histogram, Registry, collectDefaultMetrics } from "prom-client";

type MetricsGlobal = { registry?: Registry; backendRequestDuration?: Histogram };

// One registry per process, kept on globalThis so dev reloads do not register metrics twice.
const store = globalThis as typeof globalThis & { __appMetrics?: MetricsGlobal };
const metrics: MetricsGlobal = (store.__appMetrics ??= {});

export const registry: Registry = (metrics.registry ??= (() => {
  const created = new Registry();
  collectDefaultMetrics({ register: created });
  return created;
})());

export const backendRequestDuration: Histogram = (metrics.backendRequestDuration ??= new Histogram({
  name: "backend_request_duration_seconds",
  help: "Duration of calls from this app's server to the backend",
  labelNames: ["method", "status"],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [registry],
}));
