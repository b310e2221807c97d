import { getLogger } from "./logger";
import { backendRequestDuration } from "./metrics";
import { REQUEST_ID_HEADER, requestIdFrom } from "./request-id";
import { API_PREFIX } from "./service";

// Connection-scoped headers a proxy must not pass on (RFC 9110 §7.6.1), plus the ones
// fetch recomputes. Encodings are dropped because fetch already decoded the body.
// `expect: 100-continue` was answered by this server already (Node sends the 100 itself),
// and fetch refuses to send it.
const NOT_FORWARDED = new Set([
  "connection",
  "expect",
  "keep-alive",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
  "host",
  "content-length",
  "accept-encoding",
  "content-encoding",
]);

function copyHeaders(from: Headers): Headers {
  const headers = new Headers();
  from.forEach((value, name) => {
    if (!NOT_FORWARDED.has(name)) headers.append(name, value);
  });
  return headers;
}

function errorResponse(status: number, code: string, message: string, requestId: string) {
  return Response.json(
    { error: { code, message, details: [] } },
    { status, headers: { [REQUEST_ID_HEADER]: requestId } },
  );
}

/** The signed-in user's credentials for the backend; undefined token = signed out. */
export type Credentials = { accessToken: string | undefined };

/**
 * Forwards a browser request under the backend's prefix to the backend, streaming both
 * bodies (Server-Sent Events pass through as they arrive). Used when this app runs without
 * the platform's router in front of it, and for signed-in calls: with `credentials`, the
 * browser's cookies and Authorization header stay here and the user's access token goes.
 */
export async function forwardToBackend(
  request: Request,
  path: string[],
  backendOrigin: string,
  credentials?: Credentials,
): Promise<Response> {
  const incoming = new URL(request.url);
  const target = new URL(
    [API_PREFIX, ...path.map(encodeURIComponent)].join("/") + incoming.search,
    backendOrigin,
  );
  const requestId = requestIdFrom(request.headers);
  const headers = copyHeaders(request.headers);
  headers.set(REQUEST_ID_HEADER, requestId);
  if (credentials) {
    headers.delete("cookie");
    headers.delete("authorization");
    if (credentials.accessToken) headers.set("authorization", `Bearer ${credentials.accessToken}`);
  }
  headers.set("x-forwarded-host", incoming.host);
  headers.set("x-forwarded-proto", incoming.protocol.replace(":", ""));
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  const began = performance.now();
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      method: request.method,
      headers,
      body: hasBody ? request.body : undefined,
      // Node's fetch needs this to send a streamed request body.
      ...(hasBody ? { duplex: "half" } : {}),
      redirect: "manual",
      signal: request.signal,
      cache: "no-store",
    } as RequestInit);
  } catch (error) {
    if (request.signal.aborted) return new Response(null, { status: 499 });
    getLogger().warn(
      { request_id: requestId, target: target.href, err: error },
      "backend unreachable",
    );
    return errorResponse(502, "backend_unavailable", "The backend is unreachable", requestId);
  }
  backendRequestDuration.observe(
    { method: request.method, status: String(upstream.status) },
    (performance.now() - began) / 1000,
  );
  const responseHeaders = copyHeaders(upstream.headers);
  responseHeaders.set(REQUEST_ID_HEADER, requestId);
  if (responseHeaders.get("content-type")?.startsWith("text/event-stream")) {
    // no-transform keeps compression from buffering the stream.
    responseHeaders.set("cache-control", "no-cache, no-transform");
    responseHeaders.set("x-accel-buffering", "no");
  }
  return new Response(upstream.body, {
    status: upstream.status,
    statusText: upstream.statusText,
    headers: responseHeaders,
  });
}
