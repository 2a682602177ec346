import { describe, expect, it } from "vitest";
import {
  filterEnvironment,
  isSecretName,
  REDACTED,
  redactArgv,
  sanitizeRemoteUrl,
  stripUrlCredentials,
} from "./secret-filter.js";

describe("isSecretName", () => {
  it("flags names that look like credentials, whatever the case", () => {
    for (const name of [
      "GITHUB_TOKEN",
      "AWS_SECRET_ACCESS_KEY",
      "AWS_ACCESS_KEY_ID",
      "DB_PASSWORD",
      "MYSQL_PASSWD",
      "MY_API_KEY",
      "npm_config__auth",
      "HF_TOKEN",
      "LOCKSTEP_TOKEN",
      "GPG_PRIVATE",
      "SESSION_ID",
      "browser_cookie",
      "SENTRY_DSN",
      "AZURE_CREDENTIALS",
      "DB_PWD",
    ]) {
      expect(isSecretName(name), name).toBe(true);
    }
  });

  it("leaves ordinary names alone", () => {
    for (const name of [
      "CUDA_VISIBLE_DEVICES",
      "OMP_NUM_THREADS",
      "LANG",
      "TZ",
      "PYTHONHASHSEED",
    ]) {
      expect(isSecretName(name), name).toBe(false);
    }
  });
});

describe("filterEnvironment", () => {
  it("keeps allow-listed variables and drops secrets even when allow-listed by prefix", () => {
    const kept = filterEnvironment({
      CUDA_VISIBLE_DEVICES: "0,1",
      OMP_NUM_THREADS: "4",
      LANG: "C.UTF-8",
      TZ: "UTC",
      HOME: "/home/me",
      PATH: "/usr/bin",
      HF_TOKEN: "hf-secret-value",
      LOCKSTEP_API_KEY: "k-123",
      MLFLOW_TRACKING_PASSWORD: "pw",
      TF_CPP_MIN_LOG_LEVEL: "2",
      LOCKSTEP_TRACKING_URI: "https://bob:hunter2@tracker.example.com/",
      TORCH_HOME_NOTE: "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
    });
    expect(kept).toEqual({
      CUDA_VISIBLE_DEVICES: "0,1",
      LANG: "C.UTF-8",
      LOCKSTEP_TRACKING_URI: "https://tracker.example.com/",
      OMP_NUM_THREADS: "4",
      TF_CPP_MIN_LOG_LEVEL: "2",
      TZ: "UTC",
    });
  });
});

describe("URL credentials", () => {
  it("strips user and password from https URLs and keeps scp-like remotes", () => {
    expect(sanitizeRemoteUrl("https://user:pw@github.com/a/b.git")).toBe(
      "https://github.com/a/b.git",
    );
    expect(sanitizeRemoteUrl("https://x-access-token@github.com/a/b.git")).toBe(
      "https://github.com/a/b.git",
    );
    expect(sanitizeRemoteUrl("git@github.com:a/b.git")).toBe("git@github.com:a/b.git");
    expect(sanitizeRemoteUrl("ssh://git@host:22/a/b.git")).toBe("ssh://git@host:22/a/b.git");
    expect(sanitizeRemoteUrl("ssh://git:pw@host/a/b.git")).toBe("ssh://host/a/b.git");
    expect(sanitizeRemoteUrl("/srv/git/project.git")).toBe("/srv/git/project.git");
  });

  it("cleans every URL inside a longer text", () => {
    expect(stripUrlCredentials("a=http://u:p@h/x b=https://t@h2/y")).toBe(
      "a=http://h/x b=https://h2/y",
    );
  });
});

describe("redactArgv", () => {
  it("masks secret flags, token-like values and URL credentials, keeping the rest", () => {
    expect(
      redactArgv([
        "python3",
        "train.py",
        "--lr",
        "0.1",
        "--api-key",
        "abc",
        "--token=xyz",
        "--db",
        "postgres://me:pw@db/x",
        "xoxb-1234567890-abcdefghij",
      ]),
    ).toEqual([
      "python3",
      "train.py",
      "--lr",
      "0.1",
      "--api-key",
      REDACTED,
      `--token=${REDACTED}`,
      "--db",
      "postgres://db/x",
      REDACTED,
    ]);
  });

  it("leaves flags that only resemble secrets readable, so the command can be replayed", () => {
    const argv = ["train.py", "--max-tokens", "512", "--sort-key", "loss", "--keyframes", "3"];
    expect(redactArgv(argv)).toEqual(argv);
    expect(redactArgv(["x", "--hf_token", "t", "--secret-key=s", "--password"])).toEqual([
      "x",
      "--hf_token",
      REDACTED,
      `--secret-key=${REDACTED}`,
      "--password",
    ]);
  });
});
