// Generated from openapi.json by `make gen-api`: do not edit.

import { z } from "zod";

export const ErrorDetail = z.object({
  loc: z.array(z.union([z.string(), z.number().int()])).optional(),
  message: z.string(),
});

export const Health = z.object({ status: z.literal("ok").default("ok") });

export const Item = z.object({
  created_at: z.string().datetime({ offset: true }),
  description: z.union([z.string(), z.null()]),
  id: z.number().int(),
  name: z.string(),
  updated_at: z.string().datetime({ offset: true }),
});

export const ItemCreate = z
  .object({
    description: z
      .union([z.string().regex(new RegExp("^[^\\x00]*$")).max(1000), z.null()])
      .optional(),
    name: z.string().regex(new RegExp("^\\s*[^\\s\\x00][^\\x00]*$")).min(1).max(100),
  })
  .strict();

export const ItemUpdate = z
  .object({
    description: z
      .union([z.string().regex(new RegExp("^[^\\x00]*$")).max(1000), z.null()])
      .optional(),
    name: z.string().regex(new RegExp("^\\s*[^\\s\\x00][^\\x00]*$")).min(1).max(100).optional(),
  })
  .strict()
  .describe(
    "Only the fields present change; `description: null` clears it, a name cannot be null.",
  );

export const NotReady = z.object({
  reason: z.string(),
  status: z.literal("unavailable").default("unavailable"),
});

export const Ready = z.object({ status: z.literal("ready").default("ready") });
