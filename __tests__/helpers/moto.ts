/**
 * The local AWS emulator (moto_server) for tests that need a real S3 API: started on a
 * free loopback port, and always stopped (its whole process group) when the test ends.
 * S3 calls go through boto3 (s3_emulator.py beside this file).
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import * as path from "node:path";
import { createInterface } from "node:readline";

const S3_SCRIPT = path.join(__dirname, "s3_emulator.py");

/** Why the emulator cannot run here, or undefined when it can. */
export function motoUnavailableReason(): string | undefined {
  if (spawnSync("sh", ["-c", "command -v moto_server"]).status !== 0) return "moto_server is not on PATH";
  const boto3 = spawnSync("python3", ["-c", "import boto3"], { encoding: "utf8" });
  if (boto3.status !== 0) return `python3 with boto3 is not available (${(boto3.stderr || boto3.error?.message || "").trim()})`;
  return undefined;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export class MotoServer {
  private exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly endpoint: string,
    readonly log: () => string,
  ) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    // A last resort if the test process ends without afterAll (the server must never outlive it).
    process.once("exit", () => this.kill("SIGKILL"));
  }

  static async start(timeoutMs = 30000): Promise<MotoServer> {
    const port = await freePort();
    // detached: its own process group, so that stop() ends moto and anything it started.
    const child = spawn("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let log = "";
    child.stdout!.on("data", (chunk) => (log += chunk));
    child.stderr!.on("data", (chunk) => (log += chunk));
    const server = new MotoServer(child, `http://127.0.0.1:${port}`, () => log);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`moto_server exited with ${child.exitCode}: ${log}`);
      try {
        await fetch(server.endpoint);
        return server;
      } catch {
        if (Date.now() > deadline) {
          await server.stop();
          throw new Error(`moto_server did not answer on ${server.endpoint} within ${timeoutMs} ms: ${log}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  }

  private kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    try {
      process.kill(-this.child.pid!, signal);
    } catch {
      // Already gone.
    }
  }

  /** Ends the server and waits until it has exited. */
  async stop(): Promise<void> {
    this.kill("SIGTERM");
    const killed = setTimeout(() => this.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(killed);
  }

  s3(command: "create-bucket" | "list", bucket: string): string {
    const result = spawnSync("python3", [S3_SCRIPT, command, this.endpoint, bucket], { encoding: "utf8", timeout: 30000 });
    if (result.status !== 0) throw new Error(`s3_emulator.py ${command} failed: ${result.stderr}`);
    return result.stdout;
  }

  listing(bucket: string): S3Listing {
    return JSON.parse(this.s3("list", bucket));
  }

  /** Reports every change of the bucket's listing, polled every 50 ms, until stopped. */
  watch(bucket: string): BucketWatch {
    return new BucketWatch(spawn("python3", [S3_SCRIPT, "watch", this.endpoint, bucket], { stdio: ["pipe", "pipe", "pipe"] }));
  }
}

export interface S3Listing {
  keys: string[];
  /** The body of each `*.tflock` object, as Terraform wrote it. */
  locks: Record<string, { ID?: string; Operation?: string; Path?: string; Who?: string; Version?: string }>;
}

export class BucketWatch {
  /** Every listing seen, with the time it was seen (ms since the epoch). */
  readonly seen: (S3Listing & { at: number })[] = [];
  private waiters: (() => void)[] = [];
  private stderr = "";
  private exited: Promise<void>;

  constructor(private readonly child: ChildProcess) {
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
    child.stderr!.on("data", (chunk) => (this.stderr += chunk));
    createInterface({ input: child.stdout! }).on("line", (line) => {
      this.seen.push(JSON.parse(line));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** The first listing (already seen or to come) that matches, or an error after timeoutMs. */
  async until(predicate: (listing: S3Listing) => boolean, timeoutMs: number, what: string): Promise<S3Listing & { at: number }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.seen.find(predicate);
      if (found) return found;
      if (this.child.exitCode !== null) throw new Error(`the bucket watch ended before ${what}: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} within ${timeoutMs} ms; seen: ${JSON.stringify(this.seen)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Closing its stdin ends the watch; waits until it has exited. */
  async stop(): Promise<void> {
    this.child.stdin!.end();
    const killed = setTimeout(() => this.child.kill("SIGKILL"), 5000);
    await this.exited;
    clearTimeout(killed);
  }
}

/** What an AWS SDK v3 client needs to talk to the emulator. */
export const emulatorClientConfig = (endpoint: string) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "emulator-dummy", secretAccessKey: "emulator-dummy" },
});
