// Liveness of this server alone: it never calls the backend, so a backend outage does not
// get the frontend restarted.
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" });
}
