/**
 * With the production settings the stack gives every function in prod (LOG_LEVEL=WARN,
 * LOG_CUSTOMER_DATA=omit), no log line of any handler, on any path of the workflow, holds
 * an e-mail address, a credit score or an order's items; the CompensationFailed alarm's
 * line is still written. Other environments log as before (functions/shared/logger.test.ts).
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { handlersFor } from "../../local/handlers";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { SERVICES } from "../../stacks/services";
import { workflowPaths } from "../../scripts/bench";
import { captureLogLines } from "../helpers/logs";
import type { JsonObject } from "../helpers/synth";

/** What production logs must never show: the sample customers' addresses and scores, any product of an order. */
/** What the tests read of a log line: its level, and the status it reports, if any. */
type LogLine = { level?: string; orderStatus?: string; [field: string]: unknown };

const PERSONAL = [/@example\.com/, /test123@|user-1@/, /score/i, /\b(830|638|716)\b/, /PROD\d{3}/, /"items"/, /29\.99|49\.99/];

const lines = captureLogLines({ LOG_LEVEL: "WARN", LOG_CUSTOMER_DATA: "omit" });

function partition<T>(items: T[], test: (item: T) => boolean): [T[], T[]] {
  return [items.filter(test), items.filter((item) => !test(item))];
}

function expectNothingPersonal(): void {
  for (const line of lines) for (const pattern of PERSONAL) expect([line, pattern.test(line)]).toEqual([line, false]);
}

test("every path of the workflow (happy, each refusal, faults, lost answers, failed compensations, duplicate) logs nothing personal", async () => {
  const paths = await workflowPaths();
  expect(Object.keys(paths)).toHaveLength(17);
  // The failure paths did log (their refusals are WARN lines), so the check looked at something.
  expect(lines.length).toBeGreaterThan(5);
  // Besides WARN and ERROR lines, only metric documents (functions/shared/metrics.ts), written at every level.
  const [metrics, messages] = partition(
    lines.map((line) => JSON.parse(line) as LogLine),
    (line) => "_aws" in line,
  );
  expect(messages.every((line) => ["WARN", "ERROR"].includes(line.level ?? ""))).toBe(true);
  expect(metrics.map((metric) => Object.keys(metric).sort())).toContainEqual(["OrdersCompleted", "_aws", "orderId", "service"]);
  expectNothingPersonal();
  // The line that tells an operator an order needs finishing is there, once per such order (3 paths).
  const compensationFailed = messages.filter((line) => line.orderStatus === "COMPENSATION_FAILED");
  expect(compensationFailed).toHaveLength(3);
});

test.each(SERVICES)("%s, called with its example and with refusals, logs nothing personal", async (service) => {
  const handler = handlersFor(seededMemoryStore())[service];
  const example = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", `${service}.json`), "utf8")) as JsonObject;
  const attempts = [
    example,
    { ...example, idempotencyKey: "exec-other", creditScore: 601, amountCents: 100_000_000 },
    { ...example, recipient: { userId: "test123", email: "not an address" } },
    { ...example, orderData: { items: [{ productId: "PROD999", quantity: 1, price: 29.99 }] } },
    { ...example, items: [{ productId: "PROD004", quantity: 11 }], idempotencyKey: "exec-short" },
    { userId: "test123@example.com", orderData: { items: [] } },
  ];
  for (const attempt of attempts) await handler(attempt).catch(() => undefined);
  expectNothingPersonal();
});
