/** The cost model npm run bench reports, checked by hand against the price table. */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { LocalWorkflow } from "../../local/runner";
import { costPerMillion } from "../../scripts/bench";
import { SAMPLE_ORDER } from "../../stacks/order-workflow-stack";

/** What the tests read of the price table. */
interface PriceTable {
  date: string;
  source: string[];
  region: string;
}

const prices = JSON.parse(readFileSync(path.join(__dirname, "..", "..", "scripts", "aws-prices.json"), "utf8")) as PriceTable;

test("GIVEN the happy path (7 transitions, 5 invocations, 6 RRU + 17 WRU) WHEN priced THEN per-million costs follow the price table", () => {
  const invocations = Array.from({ length: 5 }, () => ({ function: "user-service" as const, action: "get" }));
  const cost = costPerMillion({ transitions: 7, invocations, requestUnits: { read: 6, write: 17 } });
  // 5 x 10 ms at 128 MB = 0.00625 GB-s per order.
  const lambda = (gbSecond: number) => 5 * 0.0000002 + 0.00625 * gbSecond;
  // DynamoDB on demand: 6 reads at 0.125 and 17 writes at 0.625 USD per million units.
  const state = 6 * 0.000000125 + 17 * 0.000000625;
  expect(cost.dynamoDbShare).toBe(11.38); // 11.375, rounded to the cent
  expect(cost.STANDARD.x86_64).toBeCloseTo((7 * 0.000025 + lambda(0.0000166667) + state) * 1e6, 2);
  expect(cost.STANDARD.arm64).toBeCloseTo((7 * 0.000025 + lambda(0.0000133334) + state) * 1e6, 2);
  // Express: 50 ms of Lambda + 7 x 20 ms overhead = 190 ms at 64 MB.
  expect(cost.EXPRESS.arm64).toBeCloseTo((0.000001 + 0.19 * 0.0625 * 0.00001667 + lambda(0.0000133334) + state) * 1e6, 2);
  expect(cost.EXPRESS.arm64).toBeLessThan(cost.STANDARD.arm64);
  expect(cost.STANDARD.arm64).toBeLessThan(cost.STANDARD.x86_64);
});

test("the price table says where and when its prices come from", () => {
  expect(prices.date).toMatch(/^\d{4}-\d\d-\d\d$/);
  expect(prices.source.every((url) => url.startsWith("https://aws.amazon.com/"))).toBe(true);
  expect(prices.region).toBe("us-east-1");
});

test("the local runner meters the DynamoDB request units of the happy path as DynamoDB bills them", async () => {
  const result = await new LocalWorkflow().run(SAMPLE_ORDER);
  // Reads (strongly consistent, 1 unit each): the payment's and the reservation's ledger items looked up,
  // the two products' stock, the order record. Writes: the order (1); the payment's ledger item (1); the
  // reservation's two stock items with its ledger item (a transaction: 2 x 3); the order closed by the
  // confirmation (1). A transaction only where items must change together.
  expect(result.requestUnits).toEqual({ read: 1 + 1 + 2 + 1, write: 1 + 1 + 6 + 1 });
});

test("a write whose condition fails is billed as DynamoDB bills it: a duplicate delivery pays its refused put", async () => {
  const workflow = new LocalWorkflow();
  const event = { ...SAMPLE_ORDER, eventId: "evt-metered" };
  await workflow.run(event);
  const duplicate = await workflow.run(event);
  expect(duplicate.output).toMatchObject({ status: "DUPLICATE" });
  // The order's put (refused: 1 WRU) and the read of the order it found (1 RRU).
  expect(duplicate.requestUnits).toEqual({ read: 1, write: 1 });
});
