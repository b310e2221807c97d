import { describe, expect, it } from "vitest";

import { pageFrom } from "@/lib/paging";

describe("pageFrom", () => {
  it.each([
    [{}, 0],
    [{ offset: "40" }, 40],
    [{ offset: ["20", "40"] }, 20],
    [{ offset: "-1" }, 0],
    [{ offset: "1e3" }, 0],
    [{ offset: "99999999999999999999" }, 0],
  ])("reads %j as offset %i", (params, offset) => {
    expect(pageFrom(params)).toBe(offset);
  });
});
