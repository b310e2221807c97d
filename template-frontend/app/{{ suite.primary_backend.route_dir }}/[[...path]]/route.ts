import { getConfig } from "@/lib/config";
import { forwardToBackend } from "@/lib/forward";

// Browser calls under the backend's prefix land here when no router sits in front of this
// app (development, end-to-end tests): they are forwarded to BACKEND_URL at request time.
export const dynamic = "force-dynamic";
export const runtime = "nodejs";

type Context = { params: Promise<{ path?: string[] }> };

async function handle(request: Request, { params }: Context): Promise<Response> {
  const { path = [] } = await params;
  return forwardToBackend(request, path, getConfig().BACKEND_URL);
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
