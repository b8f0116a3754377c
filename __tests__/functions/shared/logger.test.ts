import { expect } from "@jest/globals";
import { seededMemoryStore } from "../../../functions/shared/default-store";
import { handlerFor } from "../../../functions/payment-service";
import { createLogger } from "../../../functions/shared/logger";
import { captureLogLines } from "../../helpers/logs";

/** A log line's fields the tests read. */
type LogLine = { message: string; outcome?: string } & Record<string, unknown>;

const paymentService = handlerFor(seededMemoryStore());

describe("structured logs", () => {
  const lines = captureLogLines();

  test("GIVEN a call WHEN it succeeds THEN one JSON line with service, action, idempotency key and outcome", async () => {
    await paymentService({
      action: "authorize",
      orderId: "ord-1",
      userId: "u",
      creditScore: 700,
      amountCents: 100,
      idempotencyKey: "exec-log",
    });
    expect(lines).toHaveLength(1);
    expect(lines[0].endsWith("\n")).toBe(true);
    expect(JSON.parse(lines[0])).toEqual({
      timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      level: "INFO",
      service: "payment-service",
      message: "done",
      action: "authorize",
      idempotencyKey: "exec-log",
      outcome: "succeeded",
    });
  });

  test("a refused call logs the error name as its outcome, with the message", async () => {
    await expect(paymentService({ action: "authorize", idempotencyKey: "exec-bad" })).rejects.toThrow();
    expect(JSON.parse(lines[0])).toMatchObject({
      level: "WARN",
      outcome: "InvalidInput",
      action: "authorize",
      idempotencyKey: "exec-bad",
      message: "orderId is required",
    });
  });

  test("a repeated call is logged as replayed", async () => {
    const event = { action: "refund", orderId: "ord-1", idempotencyKey: "exec-replay" };
    await paymentService(event);
    await paymentService(event);
    expect(lines.map((line) => (JSON.parse(line) as LogLine).outcome)).toEqual(["succeeded", "replayed"]);
  });

  test("LOG_LEVEL filters lines below it", () => {
    process.env.LOG_LEVEL = "WARN";
    const log = createLogger("x");
    log.info("hidden");
    log.error("shown");
    process.env.LOG_LEVEL = "INFO";
    expect(lines.map((line) => (JSON.parse(line) as LogLine).message)).toEqual(["shown"]);
  });
});
