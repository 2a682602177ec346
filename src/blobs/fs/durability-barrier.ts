import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { open } from "node:fs/promises";

/**
 * Makes every write to `files` and every entry change in `dirs` survive a
 * power cut. On Linux that is one syncfs(2) of the file system holding
 * `anchor`: one journal commit instead of one per file, which for thousands
 * of small blobs is several times faster. Node has no binding for it, so a
 * small long-lived shell runs coreutils' `sync -f` on request (spawning a
 * process from a large server per barrier costs more than the sync), and
 * barriers asked for while one runs share the next one. Elsewhere, or when
 * that does not work, each file and folder is fsynced, in parallel.
 */
export async function durabilityBarrier(
  anchor: string,
  files: readonly string[],
  dirs: readonly string[],
): Promise<void> {
  if (files.length === 0 && dirs.length === 0) return;
  if (syncfs.usable && !anchor.includes("\n")) {
    try {
      await syncfs.sync(anchor);
      return;
    } catch (error) {
      // After it has worked, a failure is a real write-back error.
      if (syncfs.proven) throw error;
      syncfs.usable = false;
    }
  }
  await Promise.all([...files, ...dirs].map(fsyncPath));
}

/** Makes a file's writes, or a folder's entries, survive a power cut. */
export async function fsyncPath(path: string): Promise<void> {
  if (process.platform === "win32") return;
  const handle = await open(path, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

interface Pending {
  resolve: () => void;
  reject: (error: Error) => void;
}

/** Group-committed syncfs through one helper shell. */
class SyncfsHelper {
  usable = process.platform === "linux";
  proven = false;
  private shell: ChildProcessWithoutNullStreams | undefined;
  private readonly replies: Pending[] = [];
  private output = "";
  /** Per anchor: the sync running, and the one queued behind it. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly queued = new Map<string, Promise<void>>();

  /** A sync that starts after this call: joins the queued one if there is one. */
  sync(anchor: string): Promise<void> {
    const queued = this.queued.get(anchor);
    if (queued) return queued;
    const running = this.running.get(anchor);
    if (!running) return this.start(anchor);
    const next = running
      .catch(() => undefined)
      .then(() => {
        this.queued.delete(anchor);
        return this.start(anchor);
      });
    this.queued.set(anchor, next);
    return next;
  }

  private start(anchor: string): Promise<void> {
    const run = this.ask(anchor).finally(() => {
      if (this.running.get(anchor) === run) this.running.delete(anchor);
    });
    this.running.set(anchor, run);
    return run;
  }

  private ask(anchor: string): Promise<void> {
    const shell = this.ensureShell();
    return new Promise<void>((resolve, reject) => {
      this.replies.push({
        resolve: () => {
          this.proven = true;
          resolve();
        },
        reject,
      });
      // Held while a reply is awaited, so the process cannot exit under it.
      if (this.replies.length === 1) holdShell(shell, true);
      shell.stdin.write(`${anchor}\n`);
    });
  }

  private ensureShell(): ChildProcessWithoutNullStreams {
    if (this.shell) return this.shell;
    const shell = spawn(
      "sh",
      ["-c", 'while IFS= read -r p; do sync -f -- "$p" 2>/dev/null; echo $?; done'],
      { stdio: ["pipe", "pipe", "pipe"] },
    );
    // Never keeps the process alive on its own while idle.
    holdShell(shell, false);
    shell.stdout.setEncoding("utf8");
    shell.stdout.on("data", (text: string) => {
      this.output += text;
      for (let at = this.output.indexOf("\n"); at >= 0; at = this.output.indexOf("\n")) {
        const code = this.output.slice(0, at).trim();
        this.output = this.output.slice(at + 1);
        const reply = this.replies.shift();
        if (code === "0") reply?.resolve();
        else reply?.reject(new Error(`sync -f failed with exit code ${code}`));
      }
      if (this.replies.length === 0) holdShell(shell, false);
    });
    const fail = (error: Error) => {
      if (this.shell === shell) this.shell = undefined;
      for (const reply of this.replies.splice(0)) reply.reject(error);
    };
    shell.on("error", fail);
    shell.on("exit", () => fail(new Error("the sync helper exited")));
    shell.stdin.on("error", fail);
    this.shell = shell;
    return shell;
  }
}

function holdShell(shell: ChildProcessWithoutNullStreams, held: boolean): void {
  for (const handle of [shell, shell.stdin, shell.stdout, shell.stderr]) {
    const refs = handle as unknown as { ref?: () => void; unref?: () => void };
    if (held) refs.ref?.();
    else refs.unref?.();
  }
}

const syncfs = new SyncfsHelper();
