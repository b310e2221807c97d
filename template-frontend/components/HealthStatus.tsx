import type { ApiResult } from "@/lib/api/result";

/** The backend is healthy when its liveness probe answers 2xx. */
export function HealthStatus({ result }: { result: ApiResult<unknown> }) {
  const healthy = result.ok;
  return (
    <p
      role="status"
      aria-label="Backend health"
      className={`rounded-full px-3 py-1 text-sm ${
        healthy ? "bg-emerald-100 text-emerald-800" : "bg-red-100 text-red-800"
      }`}
    >
      {healthy ? "Backend healthy" : "Backend unavailable"}
    </p>
  );
}
