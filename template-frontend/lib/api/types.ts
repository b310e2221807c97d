import type { components } from "./schema";

export type Health = components["schemas"]["Health"];
export type Item = components["schemas"]["Item"];
export type ItemCreate = components["schemas"]["ItemCreate"];
export type ItemPage = components["schemas"]["ItemPage"];
