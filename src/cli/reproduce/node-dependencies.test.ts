import { describe, expect, it } from "vitest";
import { recordedNodeProject } from "./node-dependencies.js";

const npm = (file: string) => ({ file, ecosystem: "npm", name: "x", version: "1.0.0" });
const lock = (file: string, digest = `sha256:${file}`) => ({ file, digest, size: 1 });
const capture = (packages: unknown[], lockfiles: unknown[]) => ({ code: { packages, lockfiles } });

describe("recordedNodeProject", () => {
  it("takes the Node lockfile nearest to the manifest, at or above its folder", () => {
    const project = recordedNodeProject(
      capture(
        [npm("apps/web/package.json"), npm("package.json")],
        [lock("apps/other/package-lock.json"), lock("requirements.txt"), lock("package-lock.json")],
      ),
    );
    expect(project).toEqual({
      manifestFolder: "apps/web",
      lockfile: "package-lock.json",
      digest: "sha256:package-lock.json",
    });
    const nested = recordedNodeProject(
      capture([npm("apps/web/package.json")], [lock("pnpm-lock.yaml"), lock("apps/web/yarn.lock")]),
    );
    expect(nested?.lockfile).toBe("apps/web/yarn.lock");
  });

  it("is null for a Python project, a manifest without a lockfile, or an old capture", () => {
    const python = { file: "pyproject.toml", ecosystem: "python", name: "x", version: "1" };
    expect(recordedNodeProject(capture([python], [lock("uv.lock")]))).toBeNull();
    expect(recordedNodeProject(capture([npm("package.json")], [lock("poetry.lock")]))).toBeNull();
    expect(
      recordedNodeProject(capture([npm("a/package.json")], [lock("b/package-lock.json")])),
    ).toBeNull();
    expect(recordedNodeProject(undefined)).toBeNull();
    expect(recordedNodeProject({ code: { packages: "?" } })).toBeNull();
  });
});
