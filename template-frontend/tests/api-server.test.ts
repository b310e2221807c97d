// @vitest-environment node
import type { IncomingMessage } from "node:http";

import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";

import { API_PREFIX } from "@/lib/service";

import { startUpstream } from "./upstream";

const seen: IncomingMessage[] = [];
let upstream: Awaited<ReturnType<typeof startUpstream>>;

beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    seen.push(request);
    response.setHeader("content-type", "application/json");
    if (request.url === `${API_PREFIX}/healthz`) {
      response.end('{"status": "ok"}');
    } else if (request.url?.startsWith(`${API_PREFIX}/items?`)) {
      response.end('{"items": [], "total": 0, "limit": 5, "offset": 10}');
    } else {
      response.statusCode = 404;
      response.end('{"error": {"code": "not_found", "message": "No such path", "details": []}}');
    }
  });
});

beforeEach(() => {
  vi.stubEnv("BACKEND_URL", upstream.origin);
});

afterAll(() => upstream.close());

async function server() {
  return import("@/lib/api/server");
}

describe("server-side API calls", () => {
  it("reads the backend's health under its prefix and forwards the request id", async () => {
    const { getHealth } = await server();
    expect(await getHealth("req-1")).toEqual({ ok: true, data: { status: "ok" } });
    expect(seen.at(-1)?.headers["x-request-id"]).toBe("req-1");
  });

  it("lists items with the page in the query", async () => {
    const { listItems } = await server();
    const result = await listItems({ limit: 5, offset: 10 }, "req-2");
    expect(result).toEqual({ ok: true, data: { items: [], total: 0, limit: 5, offset: 10 } });
    expect(seen.at(-1)?.url).toBe(`${API_PREFIX}/items?limit=5&offset=10`);
  });

  it("turns an error answer into an ApiError", async () => {
    const { backendClient } = await server();
    const { settle } = await import("@/lib/api/result");
    const result = await settle(() =>
      backendClient("req-3").GET("/items/{item_id}", { params: { path: { item_id: 9 } } }),
    );
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error).toMatchObject({ status: 404, code: "not_found" });
  });

  it("records the calls in the metrics registry", async () => {
    const { registry } = await import("@/lib/metrics");
    expect(await registry.metrics()).toMatch(
      /backend_request_duration_seconds_count\{method="GET",status="200"\} [1-9]/,
    );
  });

  it("reports an unreachable backend without throwing", async () => {
    const { getHealth } = await server();
    await upstream.close();
    const result = await getHealth("req-4");
    expect(result.ok).toBe(false);
    expect(!result.ok && result.error.code).toBe("backend_unavailable");
  });
});
