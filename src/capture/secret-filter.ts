/**
 * Keeps secrets out of run captures. Captures are shown to a whole team and
 * copied into MLflow tags, so anything that might be a credential is dropped,
 * erring on the side of dropping too much.
 */

/** Parts of variable (or flag) names that mark a secret, matched case-insensitively. */
export const SECRET_NAME_PARTS = [
  "TOKEN",
  "SECRET",
  "PASSWORD",
  "PASSWD",
  "PASSPHRASE",
  "KEY",
  "CREDENTIAL",
  "AUTH",
  "PRIVATE",
  "SESSION",
  "COOKIE",
  "SIGNATURE",
  "CERT",
  "DSN",
  "CONNECTION_STRING",
] as const;

const SECRET_NAME = new RegExp(`${SECRET_NAME_PARTS.join("|")}|(^|[_-])PWD$`, "i");

/** Well-known token formats, caught even under an innocent-looking name. */
const SECRET_VALUE =
  /\b(gh[pousr]_[A-Za-z0-9]{20,}|github_pat_\w{20,}|glpat-[\w-]{20,}|xox[abprs]-[\w-]{10,}|(AKIA|ASIA)[A-Z0-9]{16}|sk-[\w-]{20,}|hf_[A-Za-z0-9]{20,}|npm_[A-Za-z0-9]{30,})\b|-----BEGIN [A-Z ]*PRIVATE KEY-----/;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

export function looksLikeSecretValue(value: string): boolean {
  return SECRET_VALUE.test(value);
}

/**
 * Removes credentials from URLs inside a string: `https://user:pass@host/x`
 * becomes `https://host/x`. For ssh URLs a bare user name (`ssh://git@host`) is
 * kept because it is not a secret; a password never is. scp-like remotes
 * (`git@host:path`) have no scheme and pass unchanged.
 */
export function stripUrlCredentials(text: string): string {
  return text.replace(
    /\b([a-z][a-z0-9+.-]*):\/\/([^\s/?#@]*)@/gi,
    (whole, scheme: string, userinfo: string) => {
      const isSsh = /ssh/i.test(scheme);
      if (isSsh && !userinfo.includes(":")) return whole;
      return `${scheme}://`;
    },
  );
}

/** The user-facing form of a git remote URL: credentials removed. */
export function sanitizeRemoteUrl(url: string): string {
  return stripUrlCredentials(url.trim());
}

/** Variables recorded when set, by exact name. */
export const ENV_ALLOW_NAMES: readonly string[] = [
  "CUDA_VISIBLE_DEVICES",
  "CUDA_DEVICE_ORDER",
  "NVIDIA_VISIBLE_DEVICES",
  "HIP_VISIBLE_DEVICES",
  "PYTHONHASHSEED",
  "PYTHONPATH",
  "PYTHONUNBUFFERED",
  "VIRTUAL_ENV",
  "CONDA_DEFAULT_ENV",
  "CONDA_PREFIX",
  "CUBLAS_WORKSPACE_CONFIG",
  "LANG",
  "LANGUAGE",
  "LC_ALL",
  "LC_CTYPE",
  "LC_NUMERIC",
  "TZ",
  "NODE_ENV",
  "NODE_OPTIONS",
  "SHELL",
  "TERM",
];

/** Variables recorded when set, by prefix: thread counts and framework switches. */
export const ENV_ALLOW_PREFIXES: readonly string[] = [
  "LOCKSTEP_",
  "OMP_",
  "MKL_",
  "OPENBLAS_",
  "NUMEXPR_",
  "VECLIB_",
  "KMP_",
  "CUDA_",
  "CUDNN_",
  "NCCL_",
  "TF_",
  "TORCH_",
  "PYTORCH_",
  "XLA_",
  "JAX_",
  "HF_",
  "TRANSFORMERS_",
  "MLFLOW_",
];

export function isAllowedName(name: string): boolean {
  return ENV_ALLOW_NAMES.includes(name) || ENV_ALLOW_PREFIXES.some((p) => name.startsWith(p));
}

/**
 * The allow-listed variables of `env`, minus every one whose name or value
 * looks like a secret; URLs in the values kept lose their credentials.
 */
export function filterEnvironment(env: NodeJS.ProcessEnv): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (value === undefined || !isAllowedName(name) || isSecretName(name)) continue;
    if (looksLikeSecretValue(value)) continue;
    kept[name] = stripUrlCredentials(value);
  }
  return kept;
}

export const REDACTED = "[redacted]";

const SECRET_FLAG_WORDS = new Set([
  "token",
  "secret",
  "password",
  "passwd",
  "passphrase",
  "apikey",
  "credential",
  "credentials",
  "cookie",
  "auth",
]);

/**
 * Flags are matched by whole words, not substrings as variable names are: a
 * masked argument cannot be replayed by `lockstep reproduce`, so `--max-tokens`
 * or `--sort-key` must stay readable while `--hf-token` and `--api-key` are hidden.
 */
export function isSecretFlag(flag: string): boolean {
  const words = flag.replace(/^-+/, "").toLowerCase().split(/[-_.]/);
  return words.some(
    (word, i) =>
      SECRET_FLAG_WORDS.has(word) ||
      (word === "key" && /^(api|access|secret|private|auth|license)$/.test(words[i - 1] ?? "")),
  );
}

/**
 * The command line with secrets masked: values of flags named like secrets
 * (`--api-key X`, `--token=X`), arguments that look like tokens, and
 * credentials inside URLs.
 */
export function redactArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  let maskNext = false;
  for (const arg of argv) {
    if (maskNext) {
      out.push(REDACTED);
      maskNext = false;
      continue;
    }
    const flag = /^(--?[A-Za-z0-9][\w.-]*)(=(.*))?$/s.exec(arg);
    if (flag && isSecretFlag(flag[1] ?? "")) {
      if (flag[2] === undefined) maskNext = true;
      out.push(flag[2] === undefined ? arg : `${flag[1]}=${REDACTED}`);
      continue;
    }
    if (looksLikeSecretValue(arg)) {
      out.push(REDACTED);
      continue;
    }
    out.push(stripUrlCredentials(arg));
  }
  return out;
}
