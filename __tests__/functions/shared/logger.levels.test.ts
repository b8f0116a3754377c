/**
 * What an operator reads in CloudWatch Logs: each call's line, its level, what LOG_LEVEL
 * lets through, and what LOG_CUSTOMER_DATA=omit keeps out of a refusal's line (the
 * execution's Cause still carries the reason).
 */
import { expect } from "@jest/globals";
import { handlerFor as notificationService } from "../../../functions/notification-service";
import { handlerFor as orderService } from "../../../functions/order-service";
import { seededMemoryStore } from "../../../functions/shared/default-store";
import { ServiceUnavailable } from "../../../functions/shared/errors";
import { defineHandler } from "../../../functions/shared/handler";
import { createLogger } from "../../../functions/shared/logger";
import { handlerFor as paymentService } from "../../../functions/payment-service";
import { captureLogLines } from "../../helpers/logs";
import { executionArn as arn } from "../../helpers/services";

const lines = captureLogLines({ LOG_LEVEL: "DEBUG", LOG_CUSTOMER_DATA: undefined });
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

const authorize = { action: "authorize", orderId: "ord-1", userId: "u", creditScore: 700, amountCents: 100 };

describe("log lines", () => {
  test("GIVEN a retried call WHEN answered from its record THEN an INFO line 'replayed' with its action and key", async () => {
    const pay = paymentService(seededMemoryStore());
    await pay({ ...authorize, idempotencyKey: "exec-r" });
    lines.splice(0);
    await pay({ ...authorize, idempotencyKey: "exec-r" });
    expect(logged()).toEqual([
      {
        timestamp: expect.any(String),
        level: "INFO",
        service: "payment-service",
        message: "replayed",
        action: "authorize",
        idempotencyKey: "exec-r",
        outcome: "replayed",
      },
    ]);
  });

  test("a refused event that is no object: a WARN line with the reason, and no action or key", async () => {
    await expect(paymentService(seededMemoryStore())(["authorize"])).rejects.toThrow();
    expect(logged()).toEqual([
      {
        timestamp: expect.any(String),
        level: "WARN",
        service: "payment-service",
        message: "input must be a JSON object, got an array",
        outcome: "InvalidInput",
      },
    ]);
  });

  test("the action and key a refused event names are logged cut to 128 characters, and only when they are strings", async () => {
    const pay = paymentService(seededMemoryStore());
    await expect(pay({ action: "a".repeat(200), idempotencyKey: "k".repeat(200) })).rejects.toThrow();
    await expect(pay({ action: 7, idempotencyKey: ["k"] })).rejects.toThrow();
    expect(logged().map(({ action, idempotencyKey }) => [action, idempotencyKey])).toEqual([
      ["a".repeat(128), "k".repeat(128)],
      [undefined, undefined],
    ]);
  });

  test("a thrown value that is no Error is logged as Error with its text, and passed on unchanged", async () => {
    const { handlerFor } = defineHandler("test-service", async () => {
      // eslint-disable-next-line @typescript-eslint/only-throw-error -- what this test throws: a value that is no Error.
      throw "boom";
    });
    await expect(handlerFor(seededMemoryStore())({})).rejects.toBe("boom");
    expect(logged()).toMatchObject([{ level: "WARN", service: "test-service", message: "boom", outcome: "Error" }]);
  });

  test("an undo that failed for good: one ERROR line the CompensationFailed alarm counts", async () => {
    const notify = notificationService(seededMemoryStore());
    await notify({
      action: "failure",
      recipient: { userId: "u", email: "u@example.com" },
      failure: { orderId: "ord-1", error: "CompensationFailed", detail: { errorMessage: "held" } },
      idempotencyKey: "exec-cf",
    });
    expect(logged().filter((line) => line.level === "ERROR")).toEqual([
      {
        timestamp: expect.any(String),
        level: "ERROR",
        service: "notification-service",
        message: "compensation failed: an operator must finish this order (README, runbook)",
        action: "failure",
        idempotencyKey: "exec-cf",
        orderId: "ord-1",
        orderStatus: "COMPENSATION_FAILED",
      },
    ]);
  });
});

test("a failure notice of any other error writes no ERROR line: the alarm counts only what an operator must finish", async () => {
  const notify = notificationService(seededMemoryStore());
  for (const error of ["InvalidInput", "PaymentDeclined", "ServiceUnavailable"]) {
    await notify({
      action: "failure",
      recipient: { userId: "u", email: "u@example.com" },
      failure: { orderId: "ord-1", error, detail: { errorMessage: "r" } },
      idempotencyKey: `exec-${error}`,
    });
  }
  expect(logged().filter((line) => line.level === "ERROR")).toEqual([]);
});

describe("LOG_LEVEL", () => {
  const everyLevel = () => {
    const log = createLogger("x");
    log.debug("d");
    log.info("i");
    log.warn("w");
    log.error("e");
    return logged().map((line) => `${String(line.level)}:${String(line.message)}`);
  };

  test.each([
    ["DEBUG", ["DEBUG:d", "INFO:i", "WARN:w", "ERROR:e"]],
    ["debug", ["DEBUG:d", "INFO:i", "WARN:w", "ERROR:e"]],
    ["INFO", ["INFO:i", "WARN:w", "ERROR:e"]],
    ["WARN", ["WARN:w", "ERROR:e"]],
    ["ERROR", ["ERROR:e"]],
    ["SILENT", []],
    ["LOUD", ["INFO:i", "WARN:w", "ERROR:e"]],
  ])("%s lets through %j", (level, shown) => {
    process.env.LOG_LEVEL = level;
    expect(everyLevel()).toEqual(shown);
  });

  test("unset: INFO and above", () => {
    delete process.env.LOG_LEVEL;
    expect(everyLevel()).toEqual(["INFO:i", "WARN:w", "ERROR:e"]);
  });
});

describe("LOG_CUSTOMER_DATA=omit", () => {
  const omitted = "refused; the reason is in the execution's Cause (LOG_CUSTOMER_DATA=omit)";

  test("a business refusal's line keeps its outcome and leaves its message (the order's figures) out", async () => {
    process.env.LOG_CUSTOMER_DATA = "omit";
    const pay = paymentService(seededMemoryStore());
    await expect(pay({ ...authorize, amountCents: 500001, idempotencyKey: "exec-d" })).rejects.toMatchObject({
      name: "PaymentDeclined",
      message: expect.stringContaining("5000.01"),
    });
    expect(logged()).toMatchObject([{ level: "WARN", message: omitted, outcome: "PaymentDeclined" }]);
  });

  test("a transient fault's line and a duplicate's keep their message: infrastructure and an order id", async () => {
    process.env.LOG_CUSTOMER_DATA = "omit";
    const { handlerFor } = defineHandler("test-service", async () => {
      throw new ServiceUnavailable("the table is throttled");
    });
    await expect(handlerFor(seededMemoryStore())({})).rejects.toThrow();
    const store = seededMemoryStore();
    const order = { orderData: { items: [{ productId: "PROD001", quantity: 1, price: 1 }] }, userId: "u", eventId: "evt-1" };
    const first = (await orderService(store)({ ...order, executionId: arn("exec-1") })) as { orderId: string };
    await expect(orderService(store)({ ...order, executionId: arn("exec-2") })).rejects.toMatchObject({ name: "DuplicateOrder" });
    expect(logged().filter((line) => line.level === "WARN")).toMatchObject([
      { outcome: "ServiceUnavailable", message: "the table is throttled" },
      { outcome: "DuplicateOrder", message: first.orderId },
    ]);
  });

  test("any other value logs the message", async () => {
    process.env.LOG_CUSTOMER_DATA = "include";
    await expect(
      paymentService(seededMemoryStore())({ ...authorize, amountCents: 500001, idempotencyKey: "exec-d" }),
    ).rejects.toThrow();
    expect(logged()[0].message).toContain("5000.01");
  });
});

describe("where lines go", () => {
  test("by default one line per call on stdout, as Lambda sends it to CloudWatch Logs", () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      jest.isolateModules(() => {
        // require, not import: jest.isolateModules loads the module again only through require.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const fresh = require("../../../functions/shared/logger") as typeof import("../../../functions/shared/logger");
        fresh.createLogger("x").warn("to stdout");
      });
    } finally {
      spy.mockRestore();
    }
    expect(written.map((line) => JSON.parse(line) as unknown)).toMatchObject([
      { level: "WARN", service: "x", message: "to stdout" },
    ]);
  });
});
