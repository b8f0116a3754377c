/**
 * The Amazon States Language as this workflow writes it (https://states-language.net/spec.html):
 * only the state types, fields and Choice rules it uses, typed, so that a misspelled or
 * misplaced field is a compile error; the payload templates, whose fields read at run time
 * are written by template() and never by hand; and the walks over the states.
 *
 * S is the type of the timeouts: numbers, or Terraform expressions that Terraform turns into
 * numbers when it deploys the definition (timing.ts).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A path into the state (`$.order.total`) or into the context (`$$.Execution.Name`). */
export type Path = `$${string}`;

/** An intrinsic function applied to paths, such as `States.Format('...', $.order.orderId)`. */
export type IntrinsicCall = `States.${string}`;

/** A value the interpreter finds when the state runs: a path's, or an intrinsic function's. */
export class RuntimeValue {
  constructor(readonly expression: Path | IntrinsicCall) {}
}

/** The value at a path, found when the state runs. */
export function at(path: Path): RuntimeValue {
  return new RuntimeValue(path);
}

/** The value of an intrinsic function, computed when the state runs. */
export function intrinsic(call: IntrinsicCall): RuntimeValue {
  return new RuntimeValue(call);
}

/** A field of a payload template as the workflow writes it: a fixed value, a value found at run time, or fields. */
export type TemplateValue = Json | RuntimeValue | TemplateFields;
export type TemplateFields = { readonly [field: string]: TemplateValue };

/**
 * Parameters or a ResultSelector as ASL writes them: a field whose value is found at run
 * time has `.$` appended to its name, and its path or intrinsic function as its value.
 * Only template() makes one (the undeclared private member makes the class nominal), so
 * that no state carries a `.$` field written by hand.
 */
export class PayloadTemplate {
  declare private readonly madeByTemplate: never;
  readonly [field: string]: Json;
}

/** The payload template of the given fields: `{ orderId: at("$.order.orderId") }` is `{ "orderId.$": "$.order.orderId" }`. */
export function template(fields: TemplateFields): PayloadTemplate {
  return Object.assign(new PayloadTemplate(), templateFields(fields));
}

function templateFields(fields: TemplateFields): { [field: string]: Json } {
  return Object.fromEntries(
    Object.entries(fields).map(([name, value]): [string, Json] => {
      if (name.endsWith(".$")) {
        throw new Error(
          `the template field ${name} is named like a field read at run time: write at(path) or intrinsic(call) as its value`,
        );
      }
      if (value instanceof RuntimeValue) return [`${name}.$`, value.expression];
      if (typeof value === "object" && value !== null && !Array.isArray(value)) return [name, templateFields(value)];
      return [name, value];
    }),
  );
}

export type Retrier = {
  ErrorEquals: string[];
  IntervalSeconds: number;
  BackoffRate: number;
  MaxAttempts: number;
  MaxDelaySeconds: number;
  JitterStrategy: "FULL";
};

/** Where an error goes: ResultPath puts it beside the state's input; without one it replaces the input. */
export type Catcher = { ErrorEquals: string[]; ResultPath?: Path; Next: string };

/** The Choice conditions the workflow uses: a field present or absent, a string equal to one, all of several. */
export type ChoiceCondition =
  { Variable: Path; IsPresent: boolean } | { Variable: Path; StringEquals: string } | { And: ChoiceCondition[] };
export type ChoiceRule = ChoiceCondition & { Next: string };

/** A state goes on to the next state, or ends its branch (or the execution). */
export type Transition = { Next: string; End?: never } | { End: true; Next?: never };

/** What a Task keeps of its result, what it retries and catches, and where it goes. */
export type TaskOutcome = {
  Comment?: string;
  Retry?: Retrier[];
  Catch?: Catcher[];
  ResultSelector?: PayloadTemplate;
  ResultPath?: Path;
} & Transition;

export type TaskState<S = number> = {
  Type: "Task";
  Resource: string;
  Parameters: PayloadTemplate;
  TimeoutSeconds: S;
} & TaskOutcome;

export type PassState = { Type: "Pass"; Comment?: string; Parameters?: PayloadTemplate; ResultPath?: Path } & Transition;

/** Every Choice of the workflow names its Default: no input can leave one without a next state. */
export type ChoiceState = { Type: "Choice"; Comment?: string; Choices: ChoiceRule[]; Default: string };

/** Each branch catches its own failures: the workflow's Parallel states neither retry nor catch. */
export type ParallelState<S = number> = {
  Type: "Parallel";
  Comment?: string;
  Branches: Branch<S>[];
  ResultSelector?: PayloadTemplate;
  ResultPath?: Path;
} & Transition;

export type FailState = { Type: "Fail"; Comment?: string; ErrorPath: Path; CausePath: Path };

export type State<S = number> = TaskState<S> | PassState | ChoiceState | ParallelState<S> | FailState;
export type States<S = number> = Record<string, State<S>>;
export type Branch<S = number> = { StartAt: string; States: States<S> };

export type WorkflowDefinition<S = number> = {
  Comment: string;
  StartAt: string;
  /** The execution's limit. */
  TimeoutSeconds: S;
  States: States<S>;
};

/** Every state of a States object with its name, the states of Parallel branches included. */
export function allStates<S>(states: States<S>): [string, State<S>][] {
  return Object.entries(states).flatMap(([name, state]): [string, State<S>][] => [
    [name, state],
    ...(state.Type === "Parallel" ? state.Branches.flatMap((branch) => allStates(branch.States)) : []),
  ]);
}

/** The states a state may go to next (within its own States): its Choice rules' and Default, a Task's catchers', its Next. */
export function nextStates(state: State<unknown>): string[] {
  switch (state.Type) {
    case "Choice":
      return [...state.Choices.map((rule) => rule.Next), state.Default];
    case "Task":
      return [...(state.Catch ?? []).map((catcher) => catcher.Next), ...(state.Next === undefined ? [] : [state.Next])];
    case "Parallel":
    case "Pass":
      return state.Next === undefined ? [] : [state.Next];
    case "Fail":
      return [];
  }
}
