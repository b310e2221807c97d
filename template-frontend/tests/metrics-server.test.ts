// @vitest-environment node
import type { AddressInfo } from "node:net";

import { afterAll, describe, expect, it, vi } from "vitest";

import { serveMetrics } from "@/lib/metrics-server";

class Exited extends Error {}

describe("the metrics server", async () => {
  const server = await serveMetrics(0, "127.0.0.1");
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  afterAll(() => new Promise((done) => server.close(done)));

  it("serves Prometheus text with the process and Node.js defaults at /metrics", async () => {
    const response = await fetch(`${origin}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
    const body = await response.text();
    expect(body).toMatch(/^process_cpu_user_seconds_total /m);
    expect(body).toMatch(/^nodejs_eventloop_lag_seconds /m);
  });

  it("answers nothing else", async () => {
    expect((await fetch(`${origin}/`)).status).toBe(404);
    expect((await fetch(`${origin}/metrics/x`)).status).toBe(404);
    expect((await fetch(`${origin}/metrics`, { method: "POST" })).status).toBe(404);
  });

  it("stops the process with a message when its port is taken", async () => {
    const { serveMetricsOrExit } = await import("@/lib/metrics-server");
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    const exit = vi.fn((code: number): never => {
      throw new Exited(String(code));
    });
    const port = (server.address() as AddressInfo).port;
    await expect(serveMetricsOrExit(port, "127.0.0.1", exit)).rejects.toThrow(Exited);
    expect(exit).toHaveBeenCalledWith(1);
    expect(printed).toHaveBeenCalledWith(expect.stringContaining(`METRICS_PORT ${port}`));
  });
});
