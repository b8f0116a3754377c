/**
 * A moto server (the AWS API emulator) for one test file: on a free port of 127.0.0.1,
 * started in its own process group and always stopped. When moto_server is not installed
 * the caller skips, printing why.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export function findMotoServer(): { path?: string; reason?: string } {
  const which = spawnSync("sh", ["-c", "command -v moto_server"], { encoding: "utf8" });
  const found = which.stdout.trim();
  return which.status === 0 && found
    ? { path: found }
    : { reason: "moto_server is not on PATH (pip install 'moto[server]==5.2.1')" };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface Moto {
  endpoint: string;
  stop(): Promise<void>;
}

export async function startMoto(motoServer: string, timeoutMs = 30000): Promise<Moto> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(motoServer, ["-H", "127.0.0.1", "-p", String(port)], { stdio: "ignore", detached: true });
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    process.kill(-child.pid, "SIGTERM");
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  };
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const answer = await fetch(`${endpoint}/moto-api/`);
      if (answer.ok) return { endpoint, stop };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await stop();
  throw new Error(`moto_server did not answer on ${endpoint} within ${timeoutMs / 1000} s`);
}

/** What an SDK client needs to talk to the emulator. */
export const emulatorClientConfig = (endpoint: string) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "emulator", secretAccessKey: "emulator" },
});
