/**
 * One line naming what went wrong in an AWS call, for the commands that act on a deployed
 * stack (npm run smoke, dlq, compensate, versions): an AWS error is a line of a report,
 * never a stack trace.
 */

/** What an AWS SDK v3 error carries besides name and message (see @smithy/core's ServiceException). */
interface SdkErrorFields {
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number; requestId?: string };
  /** Hidden (non-enumerable) field the SDK sets when it could not read the answer. */
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

export const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * One line naming an error from an AWS call: `<name> (HTTP <status>, request <id>): <message>`
 * for an AWS error answer; for an answer the SDK could not parse (a proxy's or load
 * balancer's HTML error page, a wrong AWS_ENDPOINT_URL), what the endpoint answered; for no
 * answer at all (connection refused, timeout), the error's name and message.
 */
export function describeError(thrown: unknown): string {
  // Duck-typed: errors made by Node itself (ECONNREFUSED) fail `instanceof Error` in another realm, such as jest's.
  if (typeof (thrown as Error | undefined)?.message !== "string") return `thrown ${oneLine(String(thrown))}`;
  const error = thrown as Error & SdkErrorFields;
  const { code, $fault, $metadata, $response } = error;
  // The SDK appends a hint about its hidden $response field; meaningless in a report.
  const message = oneLine(error.message.replace(/Deserialization error:[\s\S]*$/, ""));
  const status = $metadata?.httpStatusCode ?? $response?.statusCode;
  // An AWS error answer is a ServiceException ($fault set). An answer the SDK failed to
  // parse keeps the parser's error (a SyntaxError for HTML) with the HTTP status attached.
  if ($fault === undefined && status !== undefined) {
    const contentType = Object.entries($response?.headers ?? {}).find(([name]) => name.toLowerCase() === "content-type")?.[1];
    const html = /html/i.test(contentType ?? "") || /Unexpected token '<'/.test(message);
    const what = html ? "HTML, not JSON" : error.name === "SyntaxError" ? "non-JSON" : "an answer the SDK could not read";
    return `the endpoint answered ${what} (${[`HTTP ${status}`, contentType].filter(Boolean).join(", ")}): ${error.name}: ${message}`;
  }
  if (status !== undefined) {
    const requestId = $metadata?.requestId ? `, request ${$metadata.requestId}` : "";
    return `${error.name} (HTTP ${status}${requestId}): ${message}`;
  }
  const name = code && !message.includes(code) ? `${error.name} ${code}` : error.name;
  return `${name} (no HTTP answer): ${message}`;
}
