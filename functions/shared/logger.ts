/**
 * Structured logging: one JSON object per line on stdout, which CloudWatch Logs stores
 * as one event and Logs Insights can query by field. A few lines of our own instead of
 * Powertools' Logger (35 KB and about 14 ms of load time per bundle) keep each function
 * small and quick to start (see docs/performance-and-cost.md).
 */
const LEVELS = { DEBUG: 10, INFO: 20, WARN: 30, ERROR: 40, SILENT: 100 } as const;
type Level = Exclude<keyof typeof LEVELS, "SILENT">;

function threshold(): number {
  const configured = (process.env.LOG_LEVEL ?? "INFO").toUpperCase() as keyof typeof LEVELS;
  return LEVELS[configured] ?? LEVELS.INFO;
}

/** LOG_LEVEL=SILENT: nothing at all is written, metric lines included (tests). */
export function silenced(): boolean {
  return threshold() === LEVELS.SILENT;
}

/** Where log lines go: stdout in Lambda; the local CLIs send them to stderr to keep stdout for results. */
let sink = (line: string) => {
  process.stdout.write(line);
};

export function setLogSink(write: (line: string) => void): void {
  sink = write;
}

/** Writes one line as it is (a metric document, functions/shared/metrics.ts), unless SILENT. */
export function writeLine(line: string): void {
  if (!silenced()) sink(`${line}\n`);
}

export interface LogFields {
  action?: string;
  idempotencyKey?: string;
  outcome?: string;
  [field: string]: unknown;
}

export function createLogger(service: string) {
  const write = (level: Level, message: string, fields: LogFields) => {
    if (LEVELS[level] < threshold()) return;
    const line = { timestamp: new Date().toISOString(), level, service, message, ...fields };
    sink(`${JSON.stringify(line)}\n`);
  };
  return {
    debug: (message: string, fields: LogFields = {}) => write("DEBUG", message, fields),
    info: (message: string, fields: LogFields = {}) => write("INFO", message, fields),
    warn: (message: string, fields: LogFields = {}) => write("WARN", message, fields),
    error: (message: string, fields: LogFields = {}) => write("ERROR", message, fields),
  };
}

export type Logger = ReturnType<typeof createLogger>;
