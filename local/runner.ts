/**
 * Runs the deployed workflow definition on aws-local-stepfunctions against the real
 * handlers in functions/, with no AWS account. This is what `npm run workflow` and the
 * workflow tests use.
 */
import "./promise-with-resolvers";
import { StateMachine } from "aws-local-stepfunctions";
import { mapServices, PerService, SERVICES, ServiceName } from "../stacks/services";
import { allStates, buildWorkflowDefinition, State, WorkflowDefinition } from "../stacks/workflow-definition";
import { Handler, HANDLERS } from "./handlers";
import { injectedError, invokeLikeStepFunctions } from "./lambda-invoke";

/** ARNs of the functions as `cdktf deploy` would name them with the default project_name, in a placeholder account. */
export function localFunctionArns(projectName = "microservices-stepfn"): PerService<string> {
  return mapServices((service) => `arn:aws:lambda:us-east-1:123456789012:function:${projectName}-${service}`);
}

export interface Injection {
  service: ServiceName;
  error: string;
  /** How many calls fail before the handler runs again; every call when undefined. */
  times?: number;
}

export interface Invocation {
  function: ServiceName;
  action: string;
}

export interface WorkflowResult {
  status: "SUCCEEDED" | "FAILED";
  output?: unknown;
  error?: string;
  cause?: string;
  transitions: number;
  invocations: Invocation[];
  /** With `measurePayloads`: the largest state input or output, in bytes of JSON (Step Functions' limit is 256 KB). */
  largestStateBytes?: number;
}

export interface RunOptions {
  inject?: Injection[];
  /** Receives one line per state entered, exited, retried or caught. */
  trace?: (line: string) => void;
  /** `$$.Execution.Name`, the idempotency key; a fresh one per run when undefined. */
  executionName?: string;
  /** Measures every state's input and output (see WorkflowResult.largestStateBytes). */
  measurePayloads?: boolean;
  /** Replaces a service's handler, for tests of how the workflow treats a misbehaving service. */
  handlers?: Partial<PerService<Handler>>;
}

/** The library does not export its event type; it is what `run().eventLogs` yields. */
type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

const DEFAULT_ACTION: Record<string, string> = { "user-service": "get", "order-service": "create" };

/** Every Task state, branches included, with the service its FunctionName points at. */
function taskServices(states: Record<string, State>, arns: PerService<string>): Map<string, ServiceName> {
  const found = new Map<string, ServiceName>();
  for (const [name, state] of allStates(states).filter(([, candidate]) => candidate.Type === "Task")) {
    const functionName = (state.Parameters as { FunctionName?: string }).FunctionName;
    const service = SERVICES.find((candidate) => arns[candidate] === functionName);
    if (!service) throw new Error(`Task ${name} calls ${functionName}, which is none of the five services`);
    found.set(name, service);
  }
  return found;
}

function actionOf(service: ServiceName, payload: unknown): string {
  const action = (payload as { action?: unknown } | null)?.action;
  return typeof action === "string" ? action : (DEFAULT_ACTION[service] ?? "invoke");
}

let executionCounter = 0;

export class LocalWorkflow {
  readonly definition: WorkflowDefinition;
  private readonly machine: StateMachine;
  private readonly tasks: Map<string, ServiceName>;

  constructor(arns: PerService<string> = localFunctionArns()) {
    this.definition = buildWorkflowDefinition(arns);
    // Validating takes tens of milliseconds, so the machine is built once and run many times.
    // A JSON copy, not structuredClone: under Jest that yields objects of another realm, which the
    // library's plain-object check rejects, silently skipping nested payload templates.
    this.machine = new StateMachine(JSON.parse(JSON.stringify(this.definition)), {
      validationOptions: { checkPaths: true, checkArn: true },
    });
    this.tasks = taskServices(this.definition.States, arns);
  }

  async run(input: unknown, options: RunOptions = {}): Promise<WorkflowResult> {
    const invocations: Invocation[] = [];
    const remaining = new Map<Injection, number>(
      (options.inject ?? []).map((injection) => [injection, injection.times ?? Infinity]),
    );
    const handlers = { ...HANDLERS, ...options.handlers };

    const taskResourceLocalHandlers = Object.fromEntries(
      [...this.tasks].map(([stateName, service]) => [
        stateName,
        async (parameters: unknown) => {
          const payload = (parameters as { Payload?: unknown }).Payload;
          invocations.push({ function: service, action: actionOf(service, payload) });
          for (const [injection, left] of remaining) {
            if (injection.service === service && left > 0) {
              remaining.set(injection, left - 1);
              throw injectedError(service, injection.error);
            }
          }
          return invokeLikeStepFunctions(handlers[service], payload);
        },
      ]),
    );
    // Retries wait no real time locally; their count and order are unchanged.
    const retryIntervalOverrides = Object.fromEntries([...this.tasks.keys()].map((stateName) => [stateName, 0]));

    const executionName = options.executionName ?? `local-${process.pid}-${++executionCounter}`;
    const execution = this.machine.run(input as never, {
      overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
      context: { Execution: { Name: executionName, Input: input } } as never,
    });

    let transitions = 0;
    let largestStateBytes = 0;
    let failure: { Error: string; Cause: unknown } | undefined;
    const collect = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === "StateEntered") transitions++;
        if (options.measurePayloads && (event.type === "StateEntered" || event.type === "StateExited")) {
          const bytes = Buffer.byteLength(
            JSON.stringify(event.type === "StateEntered" ? event.state.input : (event.state.output ?? null)),
          );
          largestStateBytes = Math.max(largestStateBytes, bytes);
        }
        if (event.type === "ExecutionFailed") failure = { Error: event.Error, Cause: event.Cause };
        if (options.trace) traceLine(event, options.trace);
      }
    })();

    const measured = () => (options.measurePayloads ? { largestStateBytes } : {});
    let output: unknown;
    try {
      output = await execution.result;
    } catch (error) {
      await collect;
      if (!failure) throw error;
      return {
        status: "FAILED",
        error: failure.Error,
        cause: typeof failure.Cause === "string" ? failure.Cause : JSON.stringify(failure.Cause),
        transitions,
        invocations,
        ...measured(),
      };
    }
    await collect;
    return { status: "SUCCEEDED", output, transitions, invocations, ...measured() };
  }
}

function traceLine(event: EventLog, write: (line: string) => void): void {
  switch (event.type) {
    case "StateEntered":
      write(`entered ${event.state.name} (${event.state.type})`);
      break;
    case "StateExited":
      write(`exited  ${event.state.name}`);
      break;
    case "StateFailed":
      write(`failed  ${event.state.name}: ${event.Error}${event.Cause ? ` ${String(event.Cause)}` : ""}`);
      break;
    case "StateRetried":
      write(`retried ${event.state.name} (attempt ${event.retry.attempt})`);
      break;
    case "StateCaught":
      write(`caught  ${event.state.name} -> ${event.catch.catcher.Next}`);
      break;
    default:
      break;
  }
}
