// @vitest-environment node
import type { IncomingMessage } from "node:http";

import { afterAll, beforeAll, describe, expect, it } from "vitest";

import { forwardToBackend } from "@/lib/forward";
import { API_PREFIX } from "@/lib/service";

import { startUpstream } from "./upstream";

let last: { request: IncomingMessage; body: string } | undefined;
let releaseStream: () => void = () => {};
let upstream: Awaited<ReturnType<typeof startUpstream>>;
const UPLOAD_LIMIT = 1024 * 1024;

/** A body of `size` bytes, streamed in 64 KiB chunks as a browser or curl sends it. */
function streamedBody(size: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) return controller.close();
      const chunk = new Uint8Array(Math.min(65536, size - sent)).fill(120);
      sent += chunk.length;
      controller.enqueue(chunk);
    },
  });
}

function upload(size: number): Request {
  return new Request(`http://app.test${API_PREFIX}/upload`, {
    method: "POST",
    // curl adds this header by itself to bodies over 1 MB.
    headers: { "content-type": "application/octet-stream", expect: "100-continue" },
    body: streamedBody(size),
    duplex: "half",
  } as RequestInit);
}

beforeAll(async () => {
  upstream = await startUpstream((request, response) => {
    if (request.url === `${API_PREFIX}/upload`) {
      // As the backend does: count the streamed body, answer 413 once it passes the limit.
      let received = 0;
      request.on("data", (chunk: Buffer) => {
        received += chunk.length;
        if (received > UPLOAD_LIMIT && !response.headersSent) {
          response.writeHead(413, { "content-type": "application/json", connection: "close" });
          response.end(JSON.stringify({ received_more_than: UPLOAD_LIMIT }));
        }
      });
      request.on("end", () => {
        if (!response.headersSent) {
          response.writeHead(201, { "content-type": "application/json" });
          response.end(JSON.stringify({ received }));
        }
      });
      return;
    }
    if (request.url === `${API_PREFIX}/events`) {
      response.writeHead(200, { "content-type": "text/event-stream" });
      response.write('event: item.deleted\ndata: {"id": 1}\n\n');
      // The stream stays open until the test has read the first event.
      releaseStream = () => response.end();
      return;
    }
    let body = "";
    request.on("data", (chunk) => (body += chunk));
    request.on("end", () => {
      last = { request, body };
      response.writeHead(201, { "content-type": "application/json", connection: "keep-alive" });
      response.end(JSON.stringify({ echoed: body }));
    });
  });
});

afterAll(() => upstream.close());

describe("forwardToBackend", () => {
  it("forwards method, path, query, body and headers, and answers with the backend's reply", async () => {
    const request = new Request(`http://app.test${API_PREFIX}/items/a%20b?x=1`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "req-9", cookie: "c=1" },
      body: '{"name": "Lamp"}',
    });
    const response = await forwardToBackend(request, ["items", "a b"], upstream.origin);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ echoed: '{"name": "Lamp"}' });
    expect(response.headers.get("x-request-id")).toBe("req-9");
    expect(response.headers.get("connection")).toBeNull();
    expect(last?.request.url).toBe(`${API_PREFIX}/items/a%20b?x=1`);
    expect(last?.request.method).toBe("POST");
    expect(last?.request.headers).toMatchObject({
      "x-request-id": "req-9",
      "x-forwarded-host": "app.test",
      "x-forwarded-proto": "http",
      cookie: "c=1",
    });
  });

  it("with the user's credentials, sends their access token and keeps the browser's own", async () => {
    const browser = { cookie: "authjs.session-token=sealed", authorization: "Bearer forged" };
    const signedIn = await forwardToBackend(
      new Request(`http://app.test${API_PREFIX}/items`, {
        method: "POST",
        headers: browser,
        body: "{}",
      }),
      ["items"],
      upstream.origin,
      { accessToken: "users-token" },
    );
    expect(signedIn.status).toBe(201);
    expect(last?.request.headers.authorization).toBe("Bearer users-token");
    expect(last?.request.headers.cookie).toBeUndefined();

    await forwardToBackend(
      new Request(`http://app.test${API_PREFIX}/items`, {
        method: "POST",
        headers: browser,
        body: "{}",
      }),
      ["items"],
      upstream.origin,
      { accessToken: undefined },
    );
    expect(last?.request.headers.authorization).toBeUndefined();
    expect(last?.request.headers.cookie).toBeUndefined();
  });

  it("forwards the prefix itself", async () => {
    const response = await forwardToBackend(
      new Request(`http://app.test${API_PREFIX}`, { method: "PUT", body: "" }),
      [],
      upstream.origin,
    );
    expect(response.status).toBe(201);
    expect(last?.request.url).toBe(API_PREFIX);
  });

  it("streams Server-Sent Events before the backend ends the stream", async () => {
    const response = await forwardToBackend(
      new Request(`http://app.test${API_PREFIX}/events`),
      ["events"],
      upstream.origin,
    );
    expect(response.headers.get("content-type")).toBe("text/event-stream");
    expect(response.headers.get("cache-control")).toBe("no-cache, no-transform");
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe('event: item.deleted\ndata: {"id": 1}\n\n');
    releaseStream();
    expect((await reader.read()).done).toBe(true);
  });

  it("streams a large body sent with Expect: 100-continue", async () => {
    const response = await forwardToBackend(upload(UPLOAD_LIMIT), ["upload"], upstream.origin);
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ received: UPLOAD_LIMIT });
  });

  it("answers with the backend's own 413 to a body over its limit", async () => {
    const response = await forwardToBackend(upload(3 * UPLOAD_LIMIT), ["upload"], upstream.origin);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ received_more_than: UPLOAD_LIMIT });
  });

  it("answers 502 with the error envelope when the backend is down", async () => {
    const response = await forwardToBackend(
      new Request(`http://app.test${API_PREFIX}/items`),
      ["items"],
      "http://127.0.0.1:9",
    );
    expect(response.status).toBe(502);
    expect(await response.json()).toEqual({
      error: { code: "backend_unavailable", message: "The backend is unreachable", details: [] },
    });
    expect(response.headers.get("x-request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("gives up quietly when the browser went away", async () => {
    const controller = new AbortController();
    controller.abort();
    const response = await forwardToBackend(
      new Request(`http://app.test${API_PREFIX}/items`, { signal: controller.signal }),
      ["items"],
      upstream.origin,
    );
    expect(response.status).toBe(499);
  });
});
