/**
 * npm run invoke -- <service> <payload.json>
 *
 * Runs one service's handler locally, like `aws lambda invoke`, and prints its result,
 * or `{ "errorType", "errorMessage" }` as Lambda would report a thrown error.
 * Exit status: 0 result, 1 error, 2 bad arguments or payload file.
 */
import { setLogSink } from "../functions/shared/logger";
import { SERVICES, ServiceName } from "../stacks/services";
import { CliIO, fail, readJsonFile, runAsCommand, withInputErrors } from "./cli-input";
import { defaultStore } from "../functions/shared/default-store";
import { handlersFor } from "./handlers";

export const USAGE = "npm run invoke -- <service> <payload.json>";

const HELP = `Usage: ${USAGE}

Runs one service's handler locally, as \`aws lambda invoke\` would, and prints its result
(or { "errorType", "errorMessage" } when it throws).

  <service>        one of: ${SERVICES.join(", ")}
  <payload.json>   the event to pass, e.g. examples/<service>.json

Exit status: 0 result, 1 the handler threw, 2 bad arguments or payload file.
`;

export type InvokeArguments = { help: true } | { help: false; service: ServiceName; file: string };

/**
 * Names the first thing wrong with the command line, in the order a reader checks it:
 * options, then the count of arguments, then each argument. An extra argument is reported
 * as such, not as a bad service name.
 */
export function parseInvokeArguments(args: string[]): InvokeArguments {
  if (args.includes("--help") || args.includes("-h")) return { help: true };
  const option = args.find((arg) => arg.startsWith("-"));
  if (option) throw new Error(`unknown option ${option} (the only option is --help)`);
  const [service, file, ...extra] = args;
  if (extra.length > 0) throw new Error(`unexpected argument ${extra[0]}: give one service and one payload file`);
  if (!service) throw new Error(`missing service (one of: ${SERVICES.join(", ")})`);
  if (!(SERVICES as readonly string[]).includes(service)) {
    throw new Error(`unknown service ${service} (one of: ${SERVICES.join(", ")})`);
  }
  if (!file) throw new Error(`missing payload file for ${service} (e.g. examples/${service}.json)`);
  return { help: false, service: service as ServiceName, file };
}

/** The command: its output through `io`, its exit status returned. */
export async function main(argv: string[], io: CliIO): Promise<number> {
  return withInputErrors(io, async () => {
    let args: InvokeArguments;
    try {
      args = parseInvokeArguments(argv);
    } catch (error) {
      fail(`${(error as Error).message}\nUsage: ${USAGE}`);
    }
    if (args.help) {
      io.stdout(HELP);
      return 0;
    }
    const payload = readJsonFile(args.file, USAGE, io.cwd);
    setLogSink((line) => io.stderr(line));
    try {
      const result = await handlersFor(defaultStore())[args.service](payload);
      io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      return 0;
    } catch (error) {
      const { name, message } = error as Error;
      io.stdout(`${JSON.stringify({ errorType: name, errorMessage: message }, null, 2)}\n`);
      return 1;
    }
  });
}

if (require.main === module) runAsCommand(main);
