import { z } from "zod";

// The backend's error envelope: {"error": {"code", "message", "details"}}.
const envelope = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z
      .array(
        z.object({
          loc: z.array(z.union([z.string(), z.number()])).default([]),
          message: z.string(),
        }),
      )
      .default([]),
  }),
});

export type ErrorDetail = { loc: (string | number)[]; message: string };

/** A failed backend call: the backend's own error, or the app's word when none came back. */
export class ApiError extends Error {
  override name = "ApiError";

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
  }

  /** Builds the error from a response body, whatever shape the body has. */
  static fromResponse(status: number, body: unknown): ApiError {
    const parsed = envelope.safeParse(body);
    if (parsed.success) {
      const { code, message, details } = parsed.data.error;
      return new ApiError(status, code, message, details);
    }
    return new ApiError(status, "unexpected_response", `The backend answered HTTP ${status}`);
  }

  static unreachable(cause: unknown): ApiError {
    const reason = cause instanceof Error ? cause.message : String(cause);
    return new ApiError(0, "backend_unavailable", `The backend is unreachable (${reason})`);
  }
}

/** Validation messages by request-body field, e.g. {name: "..."}; others under "". */
export function fieldErrors(details: ErrorDetail[]): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const { loc, message } of details) {
    const [where, field] = loc;
    const key = where === "body" && typeof field === "string" ? field : "";
    errors[key] = errors[key] ? `${errors[key]} ${message}` : message;
  }
  return errors;
}
