import type { ApiResult } from "@/lib/api/result";

export function HealthStatus({ result }: { result: ApiResult<{ status: string }> }) {
  const healthy = result.ok && result.data.status === "ok";
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
