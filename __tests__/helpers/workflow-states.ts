/** Typed views of a built definition's states, for the tests that read them. */
import { allStates, ParallelState, PassState, State, States, TaskState } from "../../stacks/workflow-definition";

/** Every Task state, branches included, with its name. */
export function tasksOf<S>(states: States<S>): [string, TaskState<S>][] {
  return allStates(states).flatMap(([name, state]): [string, TaskState<S>][] => (state.Type === "Task" ? [[name, state]] : []));
}

/** The state of that name, wherever it is (branches included). */
export function stateNamed<S>(states: States<S>, name: string): State<S> {
  const found = allStates(states).find(([candidate]) => candidate === name);
  if (!found) throw new Error(`no state ${name}`);
  return found[1];
}

export function taskNamed<S>(states: States<S>, name: string): TaskState<S> {
  const state = stateNamed(states, name);
  if (state.Type !== "Task") throw new Error(`${name} is a ${state.Type} state, not a Task`);
  return state;
}

export function passNamed(states: States, name: string): PassState {
  const state = stateNamed(states, name);
  if (state.Type !== "Pass") throw new Error(`${name} is a ${state.Type} state, not a Pass state`);
  return state;
}

export function parallelNamed<S>(states: States<S>, name: string): ParallelState<S> {
  const state = stateNamed(states, name);
  if (state.Type !== "Parallel") throw new Error(`${name} is a ${state.Type} state, not a Parallel state`);
  return state;
}
