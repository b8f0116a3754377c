/**
 * npm run e2e [-- --strict] [--port <port>] [--keep]
 *
 * The whole lifecycle against the AWS emulator (emulator/lifecycle.ts): deploy, smoke, both
 * interpreters on every example order, update, destroy, nothing left. Progress goes to
 * stderr, the report to stdout. Exit status 0 when every phase passed, 1 when one failed
 * (the last line names it), 2 on bad arguments, 130/143 when interrupted.
 *
 *   --strict     an order blocked by a known emulator defect fails the run
 *   --port <n>   the emulator's port (default: a free one)
 *   --keep       keep the work directory (Terraform state, emulator log)
 */
import { formatReport, runLifecycle } from "./lifecycle";

const USAGE = "npm run e2e [-- --strict] [--port <port>] [--keep]";

function parseArguments(args: string[]): { strict: boolean; port: number; keep: boolean } {
  const parsed = { strict: false, port: 0, keep: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--strict") parsed.strict = true;
    else if (arg === "--keep") parsed.keep = true;
    else if (arg === "--port") {
      parsed.port = Number(args[++i]);
      if (!Number.isInteger(parsed.port) || parsed.port < 0 || parsed.port > 65535)
        throw new Error(`--port ${args[i]}: not a port`);
    } else throw new Error(`unknown argument ${arg}`);
  }
  return parsed;
}

async function main(): Promise<void> {
  let args: ReturnType<typeof parseArguments>;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nUsage: ${USAGE}\n`);
    process.exit(2);
  }
  // The handlers run in this process for the local interpreter: their logs are not the report.
  process.env.LOG_LEVEL = "SILENT";
  // The SDK's notice that Node 20 support ends in 2027 is no finding of this run.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  let signal: NodeJS.Signals | undefined;
  const remember = (received: NodeJS.Signals) => (signal = received);
  process.on("SIGINT", remember);
  process.on("SIGTERM", remember);
  // Started by a test (E2E_WATCH_STDIN=1, stdin a pipe): when the test runner goes, even by
  // SIGKILL, the pipe closes and the run stops as on SIGTERM, ending Terraform and the emulator.
  if (process.env.E2E_WATCH_STDIN === "1" && !process.stdin.isTTY) {
    process.stdin.on("end", () => process.kill(process.pid, "SIGTERM"));
    process.stdin.resume();
  }
  const report = await runLifecycle({
    strict: args.strict || process.env.E2E_STRICT === "1",
    port: args.port,
    keep: args.keep,
    readyTimeoutMs: Number(process.env.E2E_READY_TIMEOUT_MS) || undefined,
    launcher: process.env.E2E_LAUNCHER || undefined,
    progress: (line) => process.stderr.write(`[e2e] ${line}\n`),
  });
  process.stdout.write(`${formatReport(report)}\n`);
  process.stdin.pause();
  process.exit(report.ok ? 0 : signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 1);
}

void main();
