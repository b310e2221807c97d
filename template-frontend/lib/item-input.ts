import type { z } from "zod";

import type { ItemCreate as ItemCreateBody } from "./api/types";
import { ItemCreate } from "./api/validators";

// The form's fields; the rules (required, lengths, characters) are the backend's, generated
// from its OpenAPI document into ./api/validators.
const LABELS = { name: "Name", description: "Description" } as const;
type Field = keyof typeof LABELS;

export type ItemInputErrors = Partial<Record<Field | "", string>>;

function text(value: unknown): string | undefined {
  return typeof value === "string" ? value.trim() : undefined;
}

// An empty name breaks several rules at once: say the plainest first.
const PRECEDENCE = ["invalid_type", "too_small", "too_big", "invalid_format"];
const rank = (issue: z.core.$ZodIssue) => {
  const at = PRECEDENCE.indexOf(issue.code);
  return at === -1 ? PRECEDENCE.length : at;
};

function message(field: Field | "", issue: z.core.$ZodIssue): string {
  if (field === "") return issue.message;
  const label = LABELS[field];
  if (issue.code === "too_big") return `${label} must be at most ${issue.maximum} characters`;
  if (issue.code === "invalid_format") return `${label} contains characters that are not allowed`;
  return `${label} is required`; // missing, empty, or not a string
}

export function validateItemInput(
  values: Record<string, unknown>,
): { ok: true; data: ItemCreateBody } | { ok: false; errors: ItemInputErrors } {
  // The backend strips names too; an empty description means none.
  const description = text(values.description);
  const parsed = ItemCreate.safeParse({
    name: text(values.name),
    description: description ? description : null,
  });
  if (parsed.success) {
    const { name, description = null } = parsed.data;
    return { ok: true, data: { name, description } };
  }
  const errors: ItemInputErrors = {};
  for (const issue of [...parsed.error.issues].sort((a, b) => rank(a) - rank(b))) {
    const key = issue.path[0] === "name" || issue.path[0] === "description" ? issue.path[0] : "";
    errors[key] ??= message(key, issue);
  }
  return { ok: false, errors };
}
