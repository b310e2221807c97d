import type { NextRequest } from "next/server";

import { handlers } from "@/auth";
import { publicUrl } from "@/lib/auth/public-url";

export const dynamic = "force-dynamic";
export const runtime = "nodejs";

// Auth.js builds its callback URL from the request's. A plain Request keeps the origin the
// browser used (Next's own request type renames 127.0.0.1 to localhost).
async function asSeen(request: NextRequest): Promise<NextRequest> {
  const body =
    request.method === "GET" || request.method === "HEAD" ? undefined : await request.arrayBuffer();
  return new Request(publicUrl(request), {
    method: request.method,
    headers: request.headers,
    body,
  }) as NextRequest;
}

export async function POST(request: NextRequest): Promise<Response> {
  return handlers.POST(await asSeen(request));
}

/** Auth.js's routes; the session it shows the browser leaves out the access token. */
export async function GET(request: NextRequest): Promise<Response> {
  const response = await handlers.GET(await asSeen(request));
  if (!request.nextUrl.pathname.endsWith("/session") || !response.ok) return response;
  const session = (await response.json()) as Record<string, unknown> | null;
  if (session) delete session.accessToken;
  const headers = new Headers(response.headers);
  headers.delete("content-length");
  return Response.json(session, { status: response.status, headers });
}
