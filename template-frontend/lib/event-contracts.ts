// Generated from schemas/ by `make gen-events`: do not edit.

import { z } from "zod";

/** item.created, from schemas/item.created.v1.json. */
export const ItemCreated = z.object({
  data: z.object({
    created_at: z.string().datetime({ offset: true }),
    description: z.union([z.string(), z.null()]),
    id: z.number().int(),
    name: z.string(),
    updated_at: z.string().datetime({ offset: true }),
  }),
  id: z.string().uuid().describe("The event's id: a consumer processes each id once"),
  occurred_at: z.string().datetime({ offset: true }),
  tenant: z
    .union([z.string(), z.null()])
    .describe("The tenant whose data changed (with sign-in); else null")
    .default(null),
  type: z.literal("item.created").default("item.created"),
  version: z.literal(1).default(1),
});
export type ItemCreated = z.infer<typeof ItemCreated>;

/** item.deleted, from schemas/item.deleted.v1.json. */
export const ItemDeletedEvent = z.object({
  data: z.object({ id: z.number().int() }),
  id: z.string().uuid().describe("The event's id: a consumer processes each id once"),
  occurred_at: z.string().datetime({ offset: true }),
  tenant: z
    .union([z.string(), z.null()])
    .describe("The tenant whose data changed (with sign-in); else null")
    .default(null),
  type: z.literal("item.deleted").default("item.deleted"),
  version: z.literal(1).default(1),
});
export type ItemDeletedEvent = z.infer<typeof ItemDeletedEvent>;

/** item.updated, from schemas/item.updated.v1.json. */
export const ItemUpdated = z.object({
  data: z.object({
    created_at: z.string().datetime({ offset: true }),
    description: z.union([z.string(), z.null()]),
    id: z.number().int(),
    name: z.string(),
    updated_at: z.string().datetime({ offset: true }),
  }),
  id: z.string().uuid().describe("The event's id: a consumer processes each id once"),
  occurred_at: z.string().datetime({ offset: true }),
  tenant: z
    .union([z.string(), z.null()])
    .describe("The tenant whose data changed (with sign-in); else null")
    .default(null),
  type: z.literal("item.updated").default("item.updated"),
  version: z.literal(1).default(1),
});
export type ItemUpdated = z.infer<typeof ItemUpdated>;

/** Every event this service's backend publishes, by its type (the SSE event name). */
export const EVENT_CONTRACTS = {
  "item.created": ItemCreated,
  "item.deleted": ItemDeletedEvent,
  "item.updated": ItemUpdated,
} as const;
