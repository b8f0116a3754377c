/**
 * Switches the emulator's test faults on and off (emulator/moto/faults.py): DynamoDB writes
 * on a named table, optionally only for keys that contain a text, fail with a throttling
 * error while a fault is in force. Test infrastructure, not a compatibility patch.
 */
export const FAULTS_PATH = "/_emulator/faults";

export type FaultOperation = "PutItem" | "UpdateItem" | "DeleteItem" | "TransactWriteItems";

export interface Fault {
  table: string;
  /** Default: UpdateItem and TransactWriteItems. */
  operations?: FaultOperation[];
  /** Only items whose key contains this text (e.g. an execution name). */
  keyContains?: string;
  /** A DynamoDB error name; default ProvisionedThroughputExceededException (throttling). */
  error?: string;
  message?: string;
}

export interface FaultState extends Required<Omit<Fault, "keyContains">> {
  keyContains: string | null;
  /** How many calls this fault failed. */
  injected: number;
}

async function call(endpoint: string, method: string, body?: unknown): Promise<FaultState[]> {
  const response = await fetch(`${endpoint}${FAULTS_PATH}`, {
    method,
    headers: body === undefined ? undefined : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = (await response.json()) as { faults?: FaultState[]; error?: string };
  if (!response.ok || !answer.faults) {
    throw new Error(`the emulator refused ${method} ${FAULTS_PATH}: ${answer.error ?? response.status}`);
  }
  return answer.faults;
}

/** Puts these faults in force (replacing any others). */
export const setFaults = (endpoint: string, faults: Fault[]) => call(endpoint, "PUT", { faults });

/** The faults in force, with how often each failed a call. */
export const currentFaults = (endpoint: string) => call(endpoint, "GET");

/** Switches every fault off; answers what was in force, with its counts. */
export const clearFaults = (endpoint: string) => call(endpoint, "DELETE");
