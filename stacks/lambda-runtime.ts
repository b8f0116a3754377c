/**
 * The functions' Lambda runtime, in one place: the stack deploys it, the bundles are
 * compiled for it, and the emulator runs the functions on a Node.js of the same major
 * version (emulator/server.ts).
 */
export const LAMBDA_RUNTIME = "nodejs22.x";

/** 22 for "nodejs22.x". */
export function nodeMajorOf(runtime: string): number {
  const match = /^nodejs(\d+)\.x$/.exec(runtime);
  if (!match) throw new Error(`${runtime} is not a Node.js Lambda runtime (nodejs<major>.x)`);
  return Number(match[1]);
}
