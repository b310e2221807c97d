// @vitest-environment node
import { describe, expect, it, vi } from "vitest";

class Exited extends Error {}

async function startup() {
  vi.resetModules();
  return import("@/lib/startup");
}

describe("configOrExit", () => {
  it("returns the settings when they are valid", async () => {
    vi.stubEnv("LOG_LEVEL", "debug");
    const { configOrExit } = await startup();
    expect(configOrExit().LOG_LEVEL).toBe("debug");
  });

  it("stops with a message naming the bad variable", async () => {
    vi.stubEnv("BACKEND_URL", "not a url");
    const printed = vi.spyOn(console, "error").mockImplementation(() => {});
    const { configOrExit } = await startup();
    const exit = vi.fn((code: number): never => {
      throw new Exited(String(code));
    });
    expect(() => configOrExit(exit)).toThrow(Exited);
    expect(exit).toHaveBeenCalledWith(1);
    expect(printed).toHaveBeenCalledWith(expect.stringContaining("BACKEND_URL: must be"));
  });
});
