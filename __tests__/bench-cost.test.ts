/** The cost model npm run bench reports, checked by hand against the price table. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { costPerMillion } from "../scripts/bench";

const prices = JSON.parse(readFileSync(path.join(__dirname, "..", "scripts", "aws-prices.json"), "utf8"));

test("GIVEN the happy path (7 transitions, 5 invocations) WHEN priced THEN per-million costs follow the price table", () => {
  const invocations = Array(5).fill({ function: "user-service", action: "get" });
  const cost = costPerMillion({ transitions: 7, invocations });
  // 5 x 10 ms at 128 MB = 0.00625 GB-s per order.
  const lambda = (gbSecond: number) => 5 * 0.0000002 + 0.00625 * gbSecond;
  expect(cost.STANDARD.x86_64).toBeCloseTo((7 * 0.000025 + lambda(0.0000166667)) * 1e6, 2);
  expect(cost.STANDARD.arm64).toBeCloseTo((7 * 0.000025 + lambda(0.0000133334)) * 1e6, 2);
  // Express: 50 ms of Lambda + 7 x 20 ms overhead = 190 ms at 64 MB.
  expect(cost.EXPRESS.arm64).toBeCloseTo((0.000001 + 0.19 * 0.0625 * 0.00001667 + lambda(0.0000133334)) * 1e6, 2);
  expect(cost.EXPRESS.arm64).toBeLessThan(cost.STANDARD.arm64);
  expect(cost.STANDARD.arm64).toBeLessThan(cost.STANDARD.x86_64);
});

test("the price table says where and when its prices come from", () => {
  expect(prices.date).toMatch(/^\d{4}-\d\d-\d\d$/);
  expect(prices.source.every((url: string) => url.startsWith("https://aws.amazon.com/"))).toBe(true);
  expect(prices.region).toBe("us-east-1");
});
