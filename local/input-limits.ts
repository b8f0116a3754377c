/** What the local runner accepts as an execution input: what Step Functions would, and not absurdly deep. */
/** Step Functions' limit on a state's input or output, in bytes of JSON. */
export const STATE_DATA_LIMIT_BYTES = 262144;

/**
 * The deepest input the local interpreter is given: aws-local-stepfunctions copies inputs
 * recursively and overflows the stack a few thousand levels down. A valid order is 5 deep.
 */
export const MAX_INPUT_DEPTH = 100;

/** How deeply arrays and objects nest in a JSON value (a scalar is 0), without recursion. */
export function depthOf(value: unknown): number {
  let deepest = 0;
  const pending: [unknown, number][] = [[value, 0]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    deepest = Math.max(deepest, depth);
    if (current !== null && typeof current === "object") {
      for (const child of Object.values(current)) pending.push([child, depth + 1]);
    }
  }
  return deepest;
}
