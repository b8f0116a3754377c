/**
 * Runs the deployed workflow definition on aws-local-stepfunctions against the real
 * handlers in functions/, with no AWS account. This is what `npm run workflow` and the
 * workflow tests use. The services keep their state in an in-process store with
 * DynamoDB's behaviour; executions of one LocalWorkflow share it unless told otherwise.
 */
import "./promise-with-resolvers";
import { ExecutionAbortedError, ExecutionError, StateMachine, StateMachineDefinition } from "aws-local-stepfunctions";
import { seededMemoryStore } from "../functions/shared/default-store";
import { StateStore } from "../functions/shared/store";
import { mapServices, PerService, SERVICES, ServiceName } from "../stacks/services";
import { allStates, buildWorkflowDefinition, STATE, States, WorkflowDefinition } from "../stacks/workflow-definition";
import { Handler, handlersFor } from "./handlers";
import { depthOf, MAX_INPUT_DEPTH, STATE_DATA_LIMIT_BYTES } from "./input-limits";
import { failingHandler, injectedError, invokeLikeStepFunctions, isServiceError, StepFunctionsError } from "./lambda-invoke";
import { MeteredStore, RequestUnits } from "./metered-store";

export { MAX_INPUT_DEPTH, STATE_DATA_LIMIT_BYTES };

const REGION = "us-east-1";
/** The account the local runner plays: the ARNs' and the EventBridge rule's. */
export const LOCAL_ACCOUNT = "123456789012";
export const DEFAULT_PROJECT_NAME = "microservices-stepfn";

/** ARNs of the functions as `cdktf deploy` would name them with the default project_name, in a placeholder account. */
export function localFunctionArns(projectName = DEFAULT_PROJECT_NAME): PerService<string> {
  return mapServices((service) => `arn:aws:lambda:${REGION}:${LOCAL_ACCOUNT}:function:${projectName}-${service}`);
}

export interface Injection {
  service: ServiceName;
  /** Only calls of this action (authorize, refund, ...); every call of the service when undefined. */
  action?: string;
  error: string;
  /** How many calls fail before the service answers again; every call when undefined. */
  times?: number;
  /** The handler runs and its effects happen, then the call fails: the answer is lost. */
  after?: boolean;
}

export interface Invocation {
  function: ServiceName;
  action: string;
}

/** A call of a service that failed: what Step Functions logs as a TaskFailed (or TaskTimedOut) event. */
export interface TaskFailure {
  state: string;
  service: ServiceName;
  action: string;
  /** The Error Step Functions reports for the call. */
  error: string;
  cause: string;
  /** Whether the handler ran (it then wrote its own log line); false for an injected fault before it. */
  handlerRan: boolean;
}

export interface WorkflowResult {
  /** ABORTED: stopped by `stopAt`, as StopExecution or the execution's timeout would stop it. */
  status: "SUCCEEDED" | "FAILED" | "ABORTED";
  /** `$$.Execution.Name`: the services' idempotency key. */
  executionName: string;
  output?: unknown;
  error?: string;
  cause?: string;
  transitions: number;
  invocations: Invocation[];
  /** Every call that failed, retried or not, in order. */
  taskFailures: TaskFailure[];
  /** The largest state input or output, in bytes of JSON. */
  largestStateBytes: number;
  /** The states entered, in order (branches interleaved as they ran). */
  states: string[];
  /** After a failure past payment and inventory: what each undo answered (REFUNDED, NOTHING_TO_REFUND, NOT_DONE, ...). */
  compensation?: { refund: string; release: string };
  /** The DynamoDB request units the services' calls would consume on on-demand tables. */
  requestUnits: RequestUnits;
}

export interface RunOptions {
  inject?: Injection[];
  /** Receives one line per state entered, exited, retried or caught. */
  trace?: (line: string) => void;
  /** `$$.Execution.Name`, the idempotency key; a fresh one per run when undefined. */
  executionName?: string;
  /** Replaces a service's handler, for tests of how the workflow treats a misbehaving service. */
  handlers?: Partial<PerService<Handler>>;
  /** The state this run works on; the workflow's own store when undefined. */
  store?: StateStore;
  /**
   * A Task at which the execution stops before its call, as StopExecution (ABORTED) or the
   * execution's own timeout (TIMED_OUT) would stop it there: nothing after it runs, no
   * Catch, no compensation. The result's status is ABORTED.
   */
  stopAt?: string;
}

/** The library does not export its event type; it is what `run().eventLogs` yields. */
type EventLog = ReturnType<StateMachine["run"]>["eventLogs"] extends AsyncGenerator<infer E> ? E : never;

const DEFAULT_ACTION: Record<string, string> = { "user-service": "get", "order-service": "create" };

/** Every Task state, branches included, with the service its FunctionName points at. */
function taskServices(states: States, arns: PerService<string>): Map<string, ServiceName> {
  const found = new Map<string, ServiceName>();
  for (const [name, state] of allStates(states)) {
    if (state.Type !== "Task") continue;
    const functionName = state.Parameters.FunctionName;
    const service = SERVICES.find((candidate) => arns[candidate] === functionName);
    if (!service) {
      const called = typeof functionName === "string" ? functionName : JSON.stringify(functionName);
      throw new Error(`Task ${name} calls ${called}, which is none of the five services`);
    }
    found.set(name, service);
  }
  return found;
}

function actionOf(service: ServiceName, payload: unknown): string {
  const action = (payload as { action?: unknown } | null)?.action;
  return typeof action === "string" ? action : (DEFAULT_ACTION[service] ?? "invoke");
}

let executionCounter = 0;

/**
 * Validating a definition compiles the ASL schema anew, tens to hundreds of milliseconds each
 * time, so a machine is built once per definition for the process and run many times, by
 * every LocalWorkflow of that definition (a run keeps its state in its execution, not in the
 * machine).
 */
const machines = new Map<string, StateMachine>();

function machineFor(definition: WorkflowDefinition): StateMachine {
  const text = JSON.stringify(definition);
  let machine = machines.get(text);
  if (!machine) {
    // A JSON copy, not structuredClone: under Jest that yields objects of another realm, which the
    // library's plain-object check rejects, silently skipping nested payload templates.
    machine = new StateMachine(JSON.parse(text) as StateMachineDefinition, {
      validationOptions: { checkPaths: true, checkArn: true },
    });
    machines.set(text, machine);
  }
  return machine;
}

export interface LocalWorkflowOptions {
  projectName?: string;
  /** The functions' ARNs as the definition names them (a deployed stack's); localFunctionArns(projectName) by default. */
  functionArns?: PerService<string>;
  /** Shared by every run that names no store of its own; a fresh one seeded from the catalogue by default. */
  store?: StateStore;
}

export class LocalWorkflow {
  readonly definition: WorkflowDefinition;
  readonly store: StateStore;
  private readonly machine: StateMachine;
  private readonly tasks: Map<string, ServiceName>;
  private readonly stateMachineName: string;

  constructor(options: LocalWorkflowOptions = {}) {
    const projectName = options.projectName ?? DEFAULT_PROJECT_NAME;
    const arns = options.functionArns ?? localFunctionArns(projectName);
    this.stateMachineName = `${projectName}-workflow`;
    this.store = options.store ?? seededMemoryStore();
    this.definition = buildWorkflowDefinition(arns);
    this.machine = machineFor(this.definition);
    this.tasks = taskServices(this.definition.States, arns);
  }

  async run(input: unknown, options: RunOptions = {}): Promise<WorkflowResult> {
    if (depthOf(input) > MAX_INPUT_DEPTH) {
      throw new Error(`the input nests deeper than ${MAX_INPUT_DEPTH} levels, more than the local interpreter can run`);
    }
    const invocations: Invocation[] = [];
    const taskFailures: TaskFailure[] = [];
    const remaining = new Map<Injection, number>(
      (options.inject ?? []).map((injection) => [injection, injection.times ?? Infinity]),
    );
    const metered = new MeteredStore(options.store ?? this.store);
    const handlers = { ...handlersFor(metered), ...options.handlers };

    /** The injection that applies to this call, counted; at most one per call. */
    const injectionFor = (service: ServiceName, action: string) => {
      for (const [injection, left] of remaining) {
        if (injection.service === service && (injection.action ?? action) === action && left > 0) {
          remaining.set(injection, left - 1);
          return injection;
        }
      }
      return undefined;
    };

    /** Aborts the execution (set once it has started). */
    let abort = () => {};
    const taskResourceLocalHandlers = Object.fromEntries(
      [...this.tasks].map(([stateName, service]) => [
        stateName,
        async (parameters: unknown) => {
          if (stateName === options.stopAt) {
            // The first Task may be called before run() has returned: abort on the next tick.
            await Promise.resolve();
            abort();
            // Settles the call, so that its own timeout timer is cleared; the aborted execution goes no further.
            throw new StepFunctionsError("States.Aborted", `the execution was stopped at ${stateName}`);
          }
          const payload = (parameters as { Payload?: unknown }).Payload;
          const action = actionOf(service, payload);
          invocations.push({ function: service, action });
          const injection = injectionFor(service, action);
          const failed = (error: StepFunctionsError, handlerRan: boolean) => {
            taskFailures.push({ state: stateName, service, action, error: error.name, cause: error.message, handlerRan });
            return error;
          };
          // A service's own error (ServiceUnavailable) is thrown by the service, which logs it; Lambda's are not.
          if (injection && !injection.after && !isServiceError(injection.error))
            throw failed(injectedError(service, injection.error), false);
          const handler = injection && !injection.after ? failingHandler(service, injection.error) : handlers[service];
          let answer: Awaited<ReturnType<typeof invokeLikeStepFunctions>>;
          try {
            answer = await invokeLikeStepFunctions(handler, payload);
          } catch (error) {
            throw error instanceof StepFunctionsError ? failed(error, true) : error;
          }
          if (injection) throw failed(injectedError(service, injection.error), true);
          return answer;
        },
      ]),
    );
    // Retries wait no real time locally; their count and order are unchanged.
    const retryIntervalOverrides = Object.fromEntries([...this.tasks.keys()].map((stateName) => [stateName, 0]));

    const executionName = options.executionName ?? `local-${process.pid}-${++executionCounter}`;
    const executionId = `arn:aws:states:${REGION}:${LOCAL_ACCOUNT}:execution:${this.stateMachineName}:${executionName}`;
    // Copies: the library's States.JsonMerge merges into its first argument (Object.assign), which
    // here is $$.Execution.Input; on AWS intrinsic functions change nothing. The caller's object stays as given.
    const copy = (): unknown => (input === undefined ? undefined : JSON.parse(JSON.stringify(input)));
    const execution = this.machine.run(copy() as never, {
      overrides: { taskResourceLocalHandlers, retryIntervalOverrides },
      context: {
        Execution: { Id: executionId, Name: executionName, Input: copy(), StartTime: new Date().toISOString() },
      } as never,
    });
    abort = execution.abort;

    const states: string[] = [];
    let largestStateBytes = 0;
    let oversized: string | undefined;
    let failure: { Error: string; Cause: unknown } | undefined;
    let compensation: WorkflowResult["compensation"];
    const collect = (async () => {
      for await (const event of execution.eventLogs) {
        if (event.type === "StateEntered") states.push(event.state.name);
        if (event.type === "StateEntered" && event.state.name === STATE.orderFailed) {
          const undone = (event.state.input as { compensation?: Record<"refund" | "release", { status: string }> }).compensation;
          if (undone) compensation = { refund: undone.refund.status, release: undone.release.status };
        }
        if (event.type === "StateEntered" || event.type === "StateExited") {
          const data = event.type === "StateEntered" ? event.state.input : (event.state.output ?? null);
          const bytes = Buffer.byteLength(JSON.stringify(data) ?? "null");
          largestStateBytes = Math.max(largestStateBytes, bytes);
          if (bytes > STATE_DATA_LIMIT_BYTES && !oversized) {
            oversized = `the ${event.type === "StateEntered" ? "input" : "output"} of ${event.state.name} is ${bytes} bytes, above Step Functions' limit of ${STATE_DATA_LIMIT_BYTES}`;
          }
        }
        if (event.type === "ExecutionFailed") failure = { Error: event.Error, Cause: event.Cause };
        if (options.trace) traceLine(event, options.trace);
      }
    })();

    const common = () => ({
      executionName,
      requestUnits: metered.units,
      transitions: states.length,
      invocations,
      taskFailures,
      largestStateBytes,
      states,
      ...(compensation ? { compensation } : {}),
    });
    let output: unknown;
    let aborted = false;
    try {
      output = await execution.result;
    } catch (error) {
      aborted = error instanceof ExecutionAbortedError;
      // Anything but the execution's own failure or its abort is the interpreter's, and its event log never ends.
      if (!(error instanceof ExecutionError) && !aborted) throw error;
    }
    await collect;
    if (aborted) return { status: "ABORTED", ...common() };
    // AWS stops the execution there, with an error no Catch can handle; this interpreter has no such limit.
    if (oversized) return { status: "FAILED", error: "States.DataLimitExceeded", cause: oversized, ...common() };
    if (failure) {
      const cause = typeof failure.Cause === "string" ? failure.Cause : JSON.stringify(failure.Cause);
      return { status: "FAILED", error: failure.Error, cause, ...common() };
    }
    return { status: "SUCCEEDED", output, ...common() };
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
      write(
        `failed  ${event.state.name}: ${event.Error}${event.Cause ? ` ${typeof event.Cause === "string" ? event.Cause : JSON.stringify(event.Cause)}` : ""}`,
      );
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
