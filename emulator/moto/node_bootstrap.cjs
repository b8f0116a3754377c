// One Lambda invocation, as the Node.js runtime makes it: loads <task root>/<module>, calls
// <export>(event, context) with the event read from stdin, and writes the outcome as JSON to
// the file named last (stdout and stderr stay the function's log, as in Lambda):
//   {"ok":true,"result":...}  or  {"ok":false,"error":{"errorType","errorMessage","trace"}}
// Started by emulator/moto/patches/lambda_node_runtime.py.
"use strict";
const fs = require("node:fs");
const path = require("node:path");

const [taskRoot, handlerSpec, timeoutMs, outcomeFile] = process.argv.slice(2);
const deadline = Date.now() + Number(timeoutMs);
const write = (outcome) => fs.writeFileSync(outcomeFile, JSON.stringify(outcome));

// The Lambda runtime's error shape (errorType from the error's name, the stack as trace).
function runtimeError(error) {
  if (error instanceof Error) {
    return { errorType: error.name, errorMessage: error.message, trace: String(error.stack ?? "").split("\n") };
  }
  return { errorType: "Error", errorMessage: typeof error === "string" ? error : JSON.stringify(error), trace: [] };
}

async function main() {
  const dot = handlerSpec.lastIndexOf(".");
  const modulePath = path.join(taskRoot, handlerSpec.slice(0, dot));
  const exportName = handlerSpec.slice(dot + 1);
  const text = fs.readFileSync(0, "utf8");
  const event = text === "" ? {} : JSON.parse(text);
  const loaded = fs.existsSync(`${modulePath}.mjs`) ? await import(`${modulePath}.mjs`) : require(modulePath);
  const handler = loaded[exportName];
  if (typeof handler !== "function") {
    const error = new Error(`${handlerSpec} is undefined or not exported`);
    error.name = "Runtime.HandlerNotFound";
    throw error;
  }
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME,
    functionVersion: process.env.AWS_LAMBDA_FUNCTION_VERSION,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    awsRequestId: process.env.EMULATOR_REQUEST_ID,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  const result = await handler(event, context);
  // JSON as Lambda sends it: undefined becomes null.
  write({ ok: true, result: result === undefined ? null : JSON.parse(JSON.stringify(result)) });
}

main().then(
  () => process.exit(0),
  (error) => {
    write({ ok: false, error: runtimeError(error) });
    process.exit(0);
  },
);
