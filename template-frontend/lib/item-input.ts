import { z } from "zod";

import type { ItemCreate } from "./api/types";

// The backend's limits for a new item, checked before the request leaves the browser.
export const itemInput = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Name is required")
    .max(100, "Name must be at most 100 characters"),
  description: z
    .string()
    .trim()
    .max(1000, "Description must be at most 1000 characters")
    .transform((value) => (value === "" ? null : value)),
});

export type ItemInputErrors = Partial<Record<"name" | "description" | "", string>>;

export function validateItemInput(
  values: Record<string, unknown>,
): { ok: true; data: ItemCreate } | { ok: false; errors: ItemInputErrors } {
  const parsed = itemInput.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data };
  const errors: ItemInputErrors = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0];
    const key = field === "name" || field === "description" ? field : "";
    errors[key] ??= issue.message;
  }
  return { ok: false, errors };
}
