import { auth } from "@/auth";
import { getConfig } from "@/lib/config";
import { forwardToBackend } from "@/lib/forward";

// The browser's calls to the backend: forwarded to BACKEND_URL with the signed-in user's
// access token, refreshed first when it is about to expire.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Context = { params: Promise<{ path?: string[] }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { path = [] } = await params;
  const session = await auth();
  return forwardToBackend(request, path, getConfig().BACKEND_URL, {
    accessToken: session?.error ? undefined : session?.accessToken,
  });
}

export {
  handle as DELETE,
  handle as GET,
  handle as HEAD,
  handle as OPTIONS,
  handle as PATCH,
  handle as POST,
  handle as PUT,
};
