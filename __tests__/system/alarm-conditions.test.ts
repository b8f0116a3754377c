/**
 * Which alarms each way an order can end puts in ALARM: none for a business outcome, the
 * right ones for each technical one. Every outcome runs on the local runner against the
 * real handlers; its signals go through the metric filters and alarms this stack
 * synthesizes, evaluated as CloudWatch documents them (local/cloudwatch/):
 *   - the workflow's execution log, as Step Functions writes it at prod's settings (ERROR,
 *     no execution data) and at dev's (ALL, with data);
 *   - each function's log group: the lines the handlers write at prod's LOG_LEVEL (WARN),
 *     metric documents included, and the lines Lambda itself writes when a function timed
 *     out or its runtime exited (what AWS writes; the runner has no Lambda);
 *   - the metrics AWS publishes itself (Lambda's Throttles, SQS's queue depth, Step
 *     Functions' ExecutionThrottled), for the outcomes that produce them.
 * What the runner cannot make happen (an execution timed out or stopped, a message in the
 * dead-letter queue, Step Functions throttling) is given as the events AWS would log or
 * the datapoints it would publish.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { MemoryStore } from "../../functions/shared/memory-store";
import { evaluateAlarmForPeriod } from "../../local/cloudwatch/alarm";
import { embeddedMetrics } from "../../local/cloudwatch/embedded-metric-format";
import { applyMetricFilter, LogEvent, MetricDatapoint } from "../../local/cloudwatch/metric-filter";
import { TerraformResolver, variableResolver } from "../../local/cloudwatch/terraform-values";
import { endedByStepFunctions, ExecutionLogSettings, executionLogEvents } from "../../local/execution-log";
import { Injection, LocalWorkflow, RunOptions, WorkflowResult } from "../../local/runner";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { METRIC, REASON_DIMENSION } from "../../stacks/monitoring-signals";
import { SAMPLE_ORDER } from "../../stacks/order-workflow-stack";
import { SERVICES, ServiceName } from "../../stacks/services";
import { logLinesDuring } from "../helpers/logs";
import { JsonObject, resources, synthStack } from "../helpers/synth";

const { json } = synthStack("archive");
const filters = Object.values(resources(json, "aws_cloudwatch_log_metric_filter"));
const alarms = Object.values(resources(json, "aws_cloudwatch_metric_alarm"));

/** The variables' defaults, with the thresholds Terraform fills in for optional attributes. */
function defaults(): Record<string, unknown> {
  const values = Object.fromEntries(Object.entries(json.variable).map(([name, variable]) => [name, variable.default]));
  const thresholds = [...String(json.variable.alarm_thresholds.type).matchAll(/(\w+) = optional\(number, (\d+)\)/g)];
  values.alarm_thresholds = Object.fromEntries(thresholds.map(([, name, value]) => [name, Number(value)]));
  return values;
}
const fromVariables = variableResolver(defaults());
const REFERENCE = /^\$\{[a-z0-9_]+\.[a-z0-9_]+\.[a-z_]+\}$/;
/** A resource's attribute stands for itself: the datapoints below name the same resource the same way. */
const resolve: TerraformResolver = (expression) =>
  fromVariables(expression) ?? (REFERENCE.test(expression) ? expression : undefined);
const PROJECT = String(fromVariables("${var.project_name}"));

/** Where things are, as the stack's outputs name them. */
const output = (name: string) => json.output[name].value as string;
const functionLogGroup = (service: ServiceName): string =>
  (json.output.lambda_log_group_names.value as Record<ServiceName, string>)[service];
const workflowLogGroup: string = output("state_machine_log_group_name");
const functionName = (service: ServiceName): string => output(`${service.replace(/-/g, "_")}_function_name`);

const PROD_LOGS = { level: "ERROR", includeExecutionData: false } as const;
const DEV_LOGS = { level: "ALL", includeExecutionData: true } as const;

interface Signals {
  logEvents: LogEvent[];
  /** Datapoints AWS publishes itself. */
  awsDatapoints: MetricDatapoint[];
}

/** What Lambda writes to a function's log group when the handler never answered. */
function platformLines(result: WorkflowResult): LogEvent[] {
  return result.taskFailures
    .filter((failure) => !failure.handlerRan)
    .flatMap((failure): LogEvent[] => {
      const at = `${new Date().toISOString()} 3f1b0c1e-0000-4000-8000-000000000000`;
      const logGroupName = functionLogGroup(failure.service);
      if (failure.error === "Sandbox.Timedout") return [{ logGroupName, message: `${at} Task timed out after 30.03 seconds` }];
      if (failure.error === "Runtime.ExitError")
        return [{ logGroupName, message: `${at} Error: Runtime exited with error: signal: killed Runtime.ExitError` }];
      return [];
    });
}

/** Lambda's Throttles: one per call it refused for concurrency. */
function throttles(result: WorkflowResult): MetricDatapoint[] {
  return result.taskFailures
    .filter((failure) => failure.error === "Lambda.TooManyRequestsException")
    .map((failure) => ({
      namespace: "AWS/Lambda",
      name: "Throttles",
      dimensions: { FunctionName: functionName(failure.service) },
      value: 1,
    }));
}

interface Run {
  input: unknown;
  options?: RunOptions;
}

/** Runs orders on one store, capturing every signal they leave, at the given workflow log settings. */
async function signalsOf(
  runs: Run[],
  logs: Omit<ExecutionLogSettings, "executionArn">,
): Promise<Signals & { results: WorkflowResult[] }> {
  const workflow = new LocalWorkflow({ store: seededMemoryStore() });
  const results: WorkflowResult[] = [];
  const logEvents: LogEvent[] = [];
  const lines = await logLinesDuring(
    async () => {
      for (const run of runs) {
        const result = await workflow.run(run.input, run.options);
        results.push(result);
        const executionArn = `arn:aws:states:us-east-1:123456789012:execution:${PROJECT}-workflow:${result.executionName}`;
        for (const message of executionLogEvents(result, run.input, { ...logs, executionArn }))
          logEvents.push({ logGroupName: workflowLogGroup, message });
        logEvents.push(...platformLines(result));
      }
    },
    { LOG_LEVEL: "WARN", LOG_CUSTOMER_DATA: "omit" },
  );
  for (const line of lines) {
    const service = line.service as ServiceName;
    expect(SERVICES).toContain(service);
    // Each line as the function wrote it (the logger writes JSON.stringify's text).
    logEvents.push({ logGroupName: functionLogGroup(service), message: JSON.stringify(line) });
  }
  return { results, logEvents, awsDatapoints: results.flatMap(throttles) };
}

/** Every datapoint the signals publish: the stack's metric filters, embedded metrics, and AWS's own. */
function datapointsOf(signals: Signals): MetricDatapoint[] {
  return [
    ...filters.flatMap((filter) => applyMetricFilter(filter, signals.logEvents, resolve)),
    ...signals.logEvents.flatMap((event) => embeddedMetrics(event.message)),
    ...signals.awsDatapoints,
  ];
}

/** An alarm's name without the project prefix (`compensation-failed`). */
const alarmName = (alarm: Record<string, unknown>): string =>
  String(resolve(String(alarm.alarm_name))).replace(`${PROJECT}-`, "");

/** The alarms (by name, without the project prefix) whose condition the datapoints of one period meet. */
function alarmsInAlarm(datapoints: MetricDatapoint[]): string[] {
  return alarms
    .filter((alarm) => evaluateAlarmForPeriod(alarm, datapoints, { resolve }).state === "ALARM")
    .map(alarmName)
    .sort();
}

function total(datapoints: MetricDatapoint[], name: string, dimensions: Record<string, string> = {}): number {
  return datapoints
    .filter((point) => point.namespace === PROJECT && point.name === name)
    .filter((point) => Object.entries(dimensions).every(([key, value]) => point.dimensions[key] === value))
    .reduce((sum, point) => sum + point.value, 0);
}

const example = (file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", file), "utf8")) as JsonObject;
const event = example("order-submitted-event.json") as { id: string; detail: JsonObject };
const inject = (...injections: Injection[]): RunOptions => ({ inject: injections });

const BUSINESS: Record<string, Run[]> = {
  COMPLETED: [{ input: SAMPLE_ORDER }],
  PaymentDeclined: [{ input: example("failures/payment-declined.json") }],
  ProductNotFound: [{ input: example("failures/product-not-found.json") }],
  InsufficientInventory: [{ input: example("failures/insufficient-inventory.json") }],
  "InvalidInput (an item)": [{ input: example("failures/invalid-input.json") }],
  "InvalidInput (userId)": [{ input: { userId: "not valid!", orderData: SAMPLE_ORDER.orderData } }],
  "a duplicate (one event delivered twice)": [
    { input: { ...event.detail, eventId: event.id } },
    { input: { ...event.detail, eventId: event.id } },
  ],
  "a second run of an ended execution": [
    { input: SAMPLE_ORDER, options: { executionName: "second-run" } },
    { input: SAMPLE_ORDER, options: { executionName: "second-run" } },
  ],
  "a second run of a refused order": [
    { input: example("failures/payment-declined.json"), options: { executionName: "declined-twice" } },
    { input: example("failures/payment-declined.json"), options: { executionName: "declined-twice" } },
  ],
};

const TECHNICAL: Record<string, { runs: Run[]; alarms: string[] }> = {
  "ServiceUnavailable: payment-service's table fails every retry": {
    runs: [
      { input: SAMPLE_ORDER, options: inject({ service: "payment-service", action: "authorize", error: "ServiceUnavailable" }) },
    ],
    alarms: ["orders-failed-technically", "payment-service-faults", "service-call-faults"],
  },
  "a function timed out once; the retry completed the order": {
    runs: [
      {
        input: SAMPLE_ORDER,
        options: inject({ service: "inventory-service", action: "reserve", error: "Sandbox.Timedout", times: 1 }),
      },
    ],
    alarms: ["inventory-service-faults", "service-call-faults"],
  },
  "a function's runtime exits on every call": {
    runs: [{ input: SAMPLE_ORDER, options: inject({ service: "order-service", action: "create", error: "Runtime.ExitError" }) }],
    alarms: ["order-service-faults", "orders-failed-technically", "service-call-faults"],
  },
  "an answer lost after the call acted (Lambda.Unknown); the retry completed the order": {
    runs: [
      {
        input: SAMPLE_ORDER,
        options: inject({ service: "payment-service", action: "authorize", error: "Lambda.Unknown", after: true, times: 1 }),
      },
    ],
    alarms: ["service-call-faults"],
  },
  "Lambda throttles payment-service on every call": {
    runs: [
      {
        input: SAMPLE_ORDER,
        options: inject({ service: "payment-service", action: "authorize", error: "Lambda.TooManyRequestsException" }),
      },
    ],
    alarms: ["orders-failed-technically", "payment-service-throttles", "service-call-faults"],
  },
  "CompensationFailed: the refund fails": {
    runs: [
      {
        input: example("failures/product-not-found.json"),
        options: inject({ service: "payment-service", action: "refund", error: "ServiceUnavailable" }),
      },
    ],
    alarms: ["compensation-failed", "orders-failed-technically", "payment-service-faults", "service-call-faults"],
  },
  "CompensationFailed with notification-service down and order-service unable to close the record": {
    runs: [
      {
        input: example("failures/product-not-found.json"),
        options: inject(
          { service: "payment-service", action: "refund", error: "ServiceUnavailable" },
          { service: "notification-service", error: "Lambda.ServiceException" },
          { service: "order-service", action: "close", error: "Lambda.ServiceException" },
        ),
      },
    ],
    alarms: ["compensation-failed", "orders-failed-technically", "payment-service-faults", "service-call-faults"],
  },
};

describe.each([
  ["prod's workflow logs (ERROR, no execution data)", PROD_LOGS],
  ["dev's workflow logs (ALL, with execution data)", DEV_LOGS],
])("with %s", (_, logs) => {
  test.each(Object.keys(BUSINESS))("business outcome %s: no alarm", async (name) => {
    const signals = await signalsOf(BUSINESS[name], logs);
    const datapoints = datapointsOf(signals);
    // The signals were there: the filters saw the execution log and the functions' lines.
    expect(signals.logEvents.some((event) => event.logGroupName === workflowLogGroup) || logs.level === "ERROR").toBe(true);
    expect(alarmsInAlarm(datapoints)).toEqual([]);
    expect(total(datapoints, METRIC.ordersFailedTechnically)).toBe(0);
    expect(total(datapoints, METRIC.serviceCallFaults)).toBe(0);
  });

  test.each(Object.keys(TECHNICAL))("technical outcome %s: its alarms", async (name) => {
    const signals = await signalsOf(TECHNICAL[name].runs, logs);
    expect(alarmsInAlarm(datapointsOf(signals))).toEqual(TECHNICAL[name].alarms);
  });

  test.each([["ExecutionTimedOut"], ["ExecutionAborted"]] as const)("an execution that %s: orders-failed-technically", (type) => {
    const executionArn = `arn:aws:states:us-east-1:123456789012:execution:${PROJECT}-workflow:ended`;
    const logEvents = endedByStepFunctions(type, { ...logs, executionArn }).map((message) => ({
      logGroupName: workflowLogGroup,
      message,
    }));
    expect(alarmsInAlarm(datapointsOf({ logEvents, awsDatapoints: [] }))).toEqual(["orders-failed-technically"]);
  });
});

describe("business metrics", () => {
  test("a completed order counts once in OrdersCompleted, written by the service that closed its record", async () => {
    const datapoints = datapointsOf(await signalsOf(BUSINESS.COMPLETED, PROD_LOGS));
    expect(total(datapoints, METRIC.ordersCompleted)).toBe(1);
    // Its second run completes nothing again.
    const twice = datapointsOf(await signalsOf(BUSINESS["a second run of an ended execution"], PROD_LOGS));
    expect(total(twice, METRIC.ordersCompleted)).toBe(1);
  });

  test("with notification-service down, order-service's close counts the completed order", async () => {
    const runs = [{ input: SAMPLE_ORDER, options: inject({ service: "notification-service", error: "ServiceUnavailable" }) }];
    const signals = await signalsOf(runs, PROD_LOGS);
    expect(signals.results[0].status).toBe("SUCCEEDED");
    expect(total(datapointsOf(signals), METRIC.ordersCompleted)).toBe(1);
  });

  test.each(["PaymentDeclined", "ProductNotFound", "InsufficientInventory"])(
    "an order refused with %s counts in OrdersRejected under its reason, and nowhere else",
    async (reason) => {
      const datapoints = datapointsOf(await signalsOf(BUSINESS[reason], PROD_LOGS));
      expect(total(datapoints, METRIC.ordersRejected, { [REASON_DIMENSION]: reason })).toBe(1);
      expect(total(datapoints, METRIC.ordersRejected)).toBe(1);
      expect(total(datapoints, METRIC.ordersCompleted)).toBe(0);
    },
  );

  test("a technical failure counts in OrdersFailedTechnically, not as a rejection", async () => {
    const datapoints = datapointsOf(
      await signalsOf(TECHNICAL["ServiceUnavailable: payment-service's table fails every retry"].runs, PROD_LOGS),
    );
    expect(total(datapoints, METRIC.ordersFailedTechnically)).toBe(1);
    expect(total(datapoints, METRIC.ordersRejected)).toBe(0);
  });
});

describe("CompensationFailed comes from Step Functions itself", () => {
  test("with notification-service and the order record down, nothing but the workflow's log tells, and that is enough", async () => {
    const outcome = "CompensationFailed with notification-service down and order-service unable to close the record";
    const signals = await signalsOf(TECHNICAL[outcome].runs, PROD_LOGS);
    const [result] = signals.results;
    expect(result.error).toBe("CompensationFailed");
    expect(result.cause).toMatch(/left PENDING/);
    // notification-service wrote nothing: the order was never closed, no notice line exists.
    const notificationLines = signals.logEvents.filter(
      (event) => event.logGroupName === functionLogGroup("notification-service"),
    );
    expect(notificationLines).toEqual([]);
    // The workflow's log alone meets the alarm's condition.
    const workflowOnly = {
      logEvents: signals.logEvents.filter((event) => event.logGroupName === workflowLogGroup),
      awsDatapoints: [],
    };
    expect(alarmsInAlarm(datapointsOf(workflowOnly))).toEqual(
      expect.arrayContaining(["compensation-failed", "orders-failed-technically"]),
    );
    expect(total(datapointsOf(workflowOnly), METRIC.compensationFailed)).toBe(1);
  });

  test("the alarms refuse a workflow log level that would hide it (FATAL keeps no failed call, OFF nothing)", () => {
    const checked = alarms.flatMap((alarm) => alarm.lifecycle?.precondition ?? []);
    expect(checked.map((rule: { condition: string }) => rule.condition)).toContainEqual(
      '${contains(["ALL","ERROR"], local.workflow_log_level)}',
    );
  });
});

describe("signals AWS publishes itself", () => {
  const reference = (pattern: RegExp): string => {
    const found = JSON.stringify(json.resource).match(pattern);
    if (!found) throw new Error(`no ${pattern}`);
    return found[0];
  };

  test("an event in the dead-letter queue: trigger-dead-letters", () => {
    const queueName = reference(/\$\{aws_sqs_queue\.[a-z_]+\.name\}/);
    const depth = {
      namespace: "AWS/SQS",
      name: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: queueName },
      value: 1,
    };
    expect(alarmsInAlarm([depth])).toEqual(["trigger-dead-letters"]);
    expect(alarmsInAlarm([{ ...depth, value: 0 }])).toEqual([]);
  });

  test.each([
    ["the live alias", "state_machine_alias_arn"],
    ["the state machine", "state_machine_arn"],
  ])("Step Functions throttling executions started through %s: executions-throttled", (_, outputName) => {
    const throttled = {
      namespace: "AWS/States",
      name: "ExecutionThrottled",
      dimensions: { StateMachineArn: output(outputName) },
      value: 1,
    };
    expect(alarmsInAlarm([throttled])).toEqual(["executions-throttled"]);
  });
});

test("every alarm is met by some technical outcome above, so none is left untested", () => {
  const named = new Set([
    ...Object.values(TECHNICAL).flatMap((outcome) => outcome.alarms),
    "orders-failed-technically",
    "trigger-dead-letters",
    "executions-throttled",
  ]);
  const perFunction = SERVICES.flatMap((service) => [`${service}-faults`, `${service}-throttles`]);
  const untested = alarms.map(alarmName).filter((name) => !named.has(name) && !perFunction.includes(name));
  expect(untested).toEqual([]);
  // Each function's alarms watch that function only.
  for (const service of SERVICES) {
    const fault = {
      namespace: PROJECT,
      name: `${service.replace(/(^|-)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Faults`,
      dimensions: {},
      value: 1,
    };
    expect(alarmsInAlarm([fault])).toEqual([`${service}-faults`]);
    const throttled = {
      namespace: "AWS/Lambda",
      name: "Throttles",
      dimensions: { FunctionName: functionName(service) },
      value: 1,
    };
    expect(alarmsInAlarm([throttled])).toEqual([`${service}-throttles`]);
  }
});

test("a MemoryStore is what the runs use (no emulator needed)", () => {
  expect(seededMemoryStore()).toBeInstanceOf(MemoryStore);
});
