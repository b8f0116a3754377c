/**
 * The Amazon States Language as this workflow writes it: the JSON types of a definition and
 * its states, and the walk over every state, the states of Parallel branches included.
 */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type State = { [key: string]: Json };
export interface WorkflowDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
}

export interface Branch {
  StartAt: string;
  States: Record<string, State>;
}

/** Every state of a States object with its name, the states of Parallel branches included. */
export function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...((state.Branches ?? []) as unknown as Branch[]).flatMap((branch) => allStates(branch.States)),
  ]);
}
