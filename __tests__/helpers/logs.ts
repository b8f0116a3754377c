/**
 * Reading what the services log. Tests run at LOG_LEVEL=SILENT (helpers/setup.ts); a test that
 * reads log lines sets the level it needs and sends the lines to an array, and everything it
 * changed is put back after it, so that no other test sees its level or its sink.
 */
import { setLogSink } from "../../functions/shared/logger";
import { Env, setEnv, withEnv } from "./env";

/** The logger's own sink: Lambda's stdout. */
function toStdout(line: string): void {
  process.stdout.write(line);
}

/**
 * For each test of the file or `describe` block it is called in: the log lines written go to the
 * returned array (emptied before each test), with `env` set (LOG_LEVEL=INFO unless it says);
 * the sink and the variables are restored after each test.
 */
export function captureLogLines(env: Env = {}): string[] {
  const lines: string[] = [];
  let restore = () => {};
  beforeEach(() => {
    lines.splice(0);
    restore = setEnv({ LOG_LEVEL: "INFO", ...env });
    setLogSink((line) => lines.push(line));
  });
  afterEach(() => {
    setLogSink(toStdout);
    restore();
  });
  return lines;
}

/** The log lines written while `body` runs, parsed, with `env` set (LOG_LEVEL=INFO unless it says); all restored after. */
export async function logLinesDuring(body: () => Promise<unknown>, env: Env = {}): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  setLogSink((line) => lines.push(JSON.parse(line) as Record<string, unknown>));
  try {
    await withEnv({ LOG_LEVEL: "INFO", ...env }, body);
  } finally {
    setLogSink(toStdout);
  }
  return lines;
}
