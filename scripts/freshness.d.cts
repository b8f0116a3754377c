export function isUpToDate(stamp: string, sources: string[]): boolean;
export function markBuilt(stamp: string, startedAt: Date): void;
