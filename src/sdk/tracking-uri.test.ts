import { describe, expect, it } from "vitest";
import { resolveTrackingUri } from "./tracking-uri.js";

describe("resolveTrackingUri", () => {
  const env = { LOCKSTEP_TRACKING_URI: "http://l:1/", MLFLOW_TRACKING_URI: "http://m:2" };

  it("prefers the explicit value, then LOCKSTEP_, then MLFLOW_, then the default", () => {
    expect(resolveTrackingUri("http://x:9//", env)).toBe("http://x:9");
    expect(resolveTrackingUri(undefined, env)).toBe("http://l:1");
    expect(resolveTrackingUri(undefined, { MLFLOW_TRACKING_URI: "http://m:2" })).toBe("http://m:2");
    expect(resolveTrackingUri(undefined, { LOCKSTEP_TRACKING_URI: " " })).toBe(
      "http://127.0.0.1:5005",
    );
  });

  it("rejects what is not an http(s) URL", () => {
    expect(() => resolveTrackingUri("not a url", {})).toThrow(/invalid tracking URI 'not a url'/);
    expect(() => resolveTrackingUri("file:///tmp/mlruns", {})).toThrow(/only http and https/);
  });
});
