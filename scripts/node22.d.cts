export const NODE22_VERSION: string;
export const NODE_PACKAGE: string;
export function cacheDir(env?: NodeJS.ProcessEnv): string;
export function findNode(
  major: number,
  options?: { env?: NodeJS.ProcessEnv; projectRoot?: string },
): { binary: string; version: string } | { reason: string };
export function install(env?: NodeJS.ProcessEnv): string;
