/**
 * Known defects of the emulator's ASL interpreter: places where moto does not do what AWS
 * documents, which the project must not patch away (a patched interpreter would no longer
 * be a second opinion on the project's definition; see emulator/README.md).
 *
 * Each entry says what moto does, what AWS documents (with its source), recognises an
 * execution that ran into it, and has a probe in emulator/moto/probes.py (kind "defect")
 * that checks it against moto as installed. The lifecycle reports an order that runs into
 * a known defect as BLOCKED (compared up to that state, not after it), never as agreeing;
 * `npm run e2e -- --strict` makes that a failure. When moto fixes a defect, its probe says
 * so and the compatibility test fails until the entry is deleted.
 */
import { HistoryEvent } from "@aws-sdk/client-sfn";

export interface KnownDefect {
  id: string;
  /** The probe in emulator/moto/defects.py that checks it against moto as installed. */
  probe: string;
  summary: string;
  emulator: string;
  local: string;
  aws: string;
  source: string;
  /**
   * The state of `definition` where `history` (the emulator's) ran into this defect, if it
   * did; an order that does is BLOCKED there rather than failed. Without it the defect is
   * recorded only: running into it fails the comparison like any disagreement.
   */
  hitIn?(definition: unknown, history: HistoryEvent[]): string | undefined;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Every state of a definition by name, Parallel branches and Map iterators included. */
export function statesByName(definition: unknown): Map<string, Json> {
  const found = new Map<string, Json>();
  const walk = (states: Record<string, Json> | undefined) => {
    for (const [name, state] of Object.entries(states ?? {})) {
      found.set(name, state);
      const object = state as { Branches?: { States: Record<string, Json> }[]; Iterator?: { States: Record<string, Json> } };
      for (const branch of object.Branches ?? []) walk(branch.States);
      walk(object.Iterator?.States);
    }
  };
  walk((definition as { States?: Record<string, Json> }).States);
  return found;
}

/** The name of the state each history event belongs to (the latest state entered before it, by id). */
export function stateOfEvent(history: HistoryEvent[], event: HistoryEvent): string | undefined {
  let id = event.previousEventId;
  const byId = new Map(history.map((candidate) => [candidate.id, candidate]));
  while (id !== undefined && id > 0) {
    const previous = byId.get(id);
    if (!previous) return undefined;
    if (previous.stateEnteredEventDetails) return previous.stateEnteredEventDetails.name;
    id = previous.previousEventId;
  }
  return undefined;
}

/** A States.Format whose template literal escapes a brace: `States.Format('\{...\}', ...)` in ASL. */
const ESCAPED_BRACE_FORMAT = /States\.Format\('(?:[^'\\]|\\.)*\\[{}]/;

/** Every string in a JSON value. */
function strings(value: Json): string[] {
  if (typeof value === "string") return [value];
  if (value === null || typeof value !== "object") return [];
  return (Array.isArray(value) ? value : Object.values(value)).flatMap(strings);
}

export const RECORDED_DEFECTS: KnownDefect[] = [
  {
    id: "moto-format-escaped-braces",
    probe: "format_escaped_braces",
    summary: "States.Format keeps the backslash of an escaped brace and formats with Python's str.format",
    emulator:
      '`States.Format(\'\\{"k":"{}"\\}\', x)` fails with States.Runtime (a Python KeyError on \'"k"\'): the backslashes ' +
      'are kept and the template goes to str.format, which reads `{"k":"{}"\\}` as a replacement field',
    local: 'aws-local-stepfunctions returns `{"k":"x"}`',
    aws:
      "intrinsic functions reserve the characters ' { } \\ and `\\{` stands for a literal `{` (`\\}` for `}`); only `{}` " +
      'is replaced by an argument: AWS returns `{"k":"x"}`. aws-local-stepfunctions is right',
    source:
      "https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html (Reserved characters in intrinsic functions; States.Format)",
    hitIn(definition, history) {
      const states = statesByName(definition);
      for (const event of history) {
        const failure = event.taskFailedEventDetails ?? event.executionFailedEventDetails;
        if (failure?.error !== "States.Runtime") continue;
        const state = stateOfEvent(history, event);
        if (state && strings(states.get(state) ?? null).some((text) => ESCAPED_BRACE_FORMAT.test(text))) return state;
      }
      return undefined;
    },
  },
  {
    id: "moto-catches-states-runtime",
    probe: "states_all_catches_runtime",
    summary: "a Catch on States.ALL catches States.Runtime",
    emulator:
      "a Task whose Parameters fail at run time (here: CreateOrder's States.Format, see moto-format-escaped-braces) reports " +
      "States.Runtime and its `States.ALL` catcher takes it: CreateOrderUnavailable, NotifyFailure, then FAILED ServiceUnavailable",
    local:
      "aws-local-stepfunctions catches such an error with `States.ALL` too, under the JavaScript error's name (e.g. SyntaxError " +
      "for States.StringToJson of a string that is no JSON), not States.Runtime",
    aws:
      "`States.ALL` does not catch States.Runtime (nor States.DataLimitExceeded): the execution fails with States.Runtime. " +
      "Both interpreters are wrong here; the definition must not count on catching its own runtime errors",
    source: "https://docs.aws.amazon.com/step-functions/latest/dg/concepts-error-handling.html (States.ALL, States.Runtime)",
  },
];

/** The defects that block a comparison instead of failing it. */
export const KNOWN_DEFECTS = RECORDED_DEFECTS.filter((defect) => defect.hitIn !== undefined);
