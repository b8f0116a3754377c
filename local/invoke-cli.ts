/**
 * npm run invoke -- <service> <payload.json>
 *
 * Runs one service's handler locally, like `aws lambda invoke`, and prints its result,
 * or `{ "errorType", "errorMessage" }` as Lambda would report a thrown error.
 * Exit status: 0 result, 1 error, 2 bad arguments or payload file.
 */
import { setLogSink } from "../functions/shared/logger";
import { SERVICES, ServiceName } from "../stacks/services";
import { fail, readJsonFile } from "./cli-input";
import { defaultStore } from "../functions/shared/default-store";
import { handlersFor } from "./handlers";

const USAGE = `npm run invoke -- <service> <payload.json>   (service: ${SERVICES.join(", ")})`;

async function main(): Promise<void> {
  const [service, file, ...extra] = process.argv.slice(2);
  if (!service || !(SERVICES as readonly string[]).includes(service) || extra.length > 0) {
    fail(`${service ? `unknown service ${service}` : "missing service"}. Usage: ${USAGE}`);
  }
  const payload = readJsonFile(file, USAGE);
  setLogSink((line) => process.stderr.write(line));
  try {
    const result = await handlersFor(defaultStore())[service as ServiceName](payload);
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } catch (error) {
    const { name, message } = error as Error;
    process.stdout.write(`${JSON.stringify({ errorType: name, errorMessage: message }, null, 2)}\n`);
    process.exit(1);
  }
}

void main();
