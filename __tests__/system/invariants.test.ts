/**
 * The invariants of the durable state, checked after every run of a long seeded random
 * sequence on one store: 600 orders (valid ones, declined ones, unknown products, short
 * stock), one to three transient faults or lost answers on any service, and second runs of
 * executions that already ended. After each run:
 *   - no stock figure is negative;
 *   - stock moves only with the reservations' ledger: initial - final = the units reserved
 *     and not released;
 *   - those units are the units of COMPLETED orders, except what a CompensationFailed
 *     execution says it leaves held;
 *   - every payment not refunded is a COMPLETED order's, or named in a CompensationFailed Cause;
 *   - every execution ends explained (SUCCEEDED COMPLETED or DUPLICATE, or one of the contract's errors).
 */
import { INVENTORY_LEDGER, ReserveResult } from "../../functions/inventory-service";
import { PAYMENT_LEDGER } from "../../functions/payment-service";
import { AVAILABLE } from "../../functions/shared/catalogue";
import { CONTRACT_ERROR_NAMES } from "../../functions/shared/errors";
import { ledgerKey } from "../../functions/shared/ledger";
import { MemoryStore } from "../../functions/shared/memory-store";
import { Item } from "../../functions/shared/store";
import { Injection, LocalWorkflow, WorkflowResult } from "../../local/runner";
import { SERVICE_ACTIONS } from "../../local/workflow-cli";
import { SERVICES } from "../../stacks/services";
import { TRANSIENT_ERRORS } from "../../stacks/workflow-definition";

const RUNS = 600;
const SEED = 20261207;
const INITIAL_STOCK: Record<string, number> = { PROD001: 600, PROD002: 400, PROD003: 300, PROD004: 40, PROD005: 0 };

/** mulberry32: a small seeded generator, so that a failure can be run again exactly. */
function randomFrom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(values: readonly T[]): T => values[int(0, values.length - 1)];
  return { next, int, pick };
}

type Random = ReturnType<typeof randomFrom>;

function randomOrder(random: Random) {
  const items = Array.from({ length: random.int(1, 3) }, () => ({
    productId: random.pick(["PROD001", "PROD001", "PROD002", "PROD003", "PROD004", "PROD005", "PROD999"]),
    quantity: random.int(1, 5),
    // Now and then a line large enough for a credit score to decline it.
    price: random.next() < 0.1 ? random.int(30000, 90000) / 100 : random.int(100, 5000) / 100,
  }));
  return { userId: random.pick(["test123", "user-1", "user-2", "a@b.c"]), orderData: { items } };
}

function randomFaults(random: Random): Injection[] {
  return Array.from({ length: random.int(0, 3) }, () => {
    const service = random.pick(SERVICES);
    const everyAction = random.next() < 0.5;
    return {
      service,
      ...(everyAction ? {} : { action: random.pick(SERVICE_ACTIONS[service]) }),
      error: random.pick(TRANSIENT_ERRORS),
      ...(random.next() < 0.7 ? { times: random.int(1, 8) } : {}),
      ...(random.next() < 0.5 ? { after: true } : {}),
    };
  });
}

const sumBy = <T>(values: T[], amount: (value: T) => number) => values.reduce((sum, value) => sum + amount(value), 0);

async function checkInvariants(store: MemoryStore, lastResults: Map<string, WorkflowResult>) {
  const stock: Record<string, number> = Object.fromEntries(
    (await store.items("stock")).map((item) => [item.productId as string, item[AVAILABLE] as number]),
  );
  const orders = new Map((await store.items("orders")).map((order) => [order.orderId as string, order]));
  const ledger = await store.items("idempotency");
  const entriesOf = (prefix: string, status: string) =>
    ledger.filter((item) => (item.recordKey as string).startsWith(prefix) && item.status === status);
  const reserved = entriesOf(ledgerKey(INVENTORY_LEDGER, ""), "RESERVED");
  const authorized = entriesOf(ledgerKey(PAYMENT_LEDGER, ""), "AUTHORIZED");
  const keyOf = (entry: Item) => (entry.recordKey as string).split(":").slice(2).join(":");
  /** Whether the execution of this key ended CompensationFailed, with a Cause naming what it holds. */
  const saidHeld = (entry: Item, what: RegExp) => {
    const result = lastResults.get(keyOf(entry));
    return result?.error === "CompensationFailed" && what.test(result.cause ?? "");
  };
  /**
   * Whether the entry's order completed: its record says so, or (order-service unreachable at the
   * end, the one case a record stays PENDING) the execution's output says COMPLETED and that the
   * record is left PENDING.
   */
  const completedOrder = (entry: Item) => {
    if (orders.get(entry.orderId as string)?.status === "COMPLETED") return true;
    const output = lastResults.get(keyOf(entry))?.output as
      { status?: string; orderId?: string; orderRecord?: string } | undefined;
    return output?.status === "COMPLETED" && output.orderId === entry.orderId && /^PENDING/.test(output.orderRecord ?? "");
  };

  for (const [productId, available] of Object.entries(stock)) {
    expect([productId, available >= 0]).toEqual([productId, true]);
    const taken = sumBy(reserved, (entry) => {
      const result = JSON.parse(entry.result as string) as ReserveResult;
      return sumBy(
        result.reservations.filter((reservation) => reservation.productId === productId),
        (reservation) => reservation.quantity,
      );
    });
    // Stock moves only with the ledger: what is gone is what is reserved and not released.
    expect([productId, INITIAL_STOCK[productId] - available]).toEqual([productId, taken]);
  }
  const completed = [...orders.values()].filter((order) => order.status === "COMPLETED");
  const units = (items: unknown) => sumBy(items as { quantity: number }[], (item) => item.quantity);
  for (const entry of reserved) {
    if (completedOrder(entry)) continue;
    expect([keyOf(entry), saidHeld(entry, /reservations/)]).toEqual([keyOf(entry), true]);
  }
  // The units of COMPLETED orders are exactly the units their reservations hold.
  expect(sumBy(completed, (order) => units(order.items))).toBe(
    sumBy(
      reserved.filter((entry) => orders.get(entry.orderId as string)?.status === "COMPLETED"),
      (entry) => units((JSON.parse(entry.result as string) as ReserveResult).reservations),
    ),
  );
  for (const entry of authorized) {
    if (completedOrder(entry)) continue;
    expect([keyOf(entry), saidHeld(entry, /transaction|payment/)]).toEqual([keyOf(entry), true]);
  }
}

test(`${RUNS} random orders with faults and second runs: stock conserved, never negative, every payment completed or refunded or named`, async () => {
  const random = randomFrom(SEED);
  const store = new MemoryStore({
    stock: Object.entries(INITIAL_STOCK).map(([productId, available]) => ({ productId, [AVAILABLE]: available })),
  });
  const workflow = new LocalWorkflow({ store });
  const inputs = new Map<string, unknown>();
  const lastResults = new Map<string, WorkflowResult>();
  const outcomes: Record<string, number> = {};
  for (let run = 0; run < RUNS; run++) {
    // About one run in seven is a second run of an execution that already ended: same name, same input.
    const again = inputs.size > 0 && random.next() < 0.15;
    const name = again ? random.pick([...inputs.keys()]) : `inv-${run}`;
    const input = again ? inputs.get(name)! : randomOrder(random);
    inputs.set(name, input);
    const result = await workflow.run(input, { executionName: name, inject: randomFaults(random) });
    lastResults.set(name, result);
    const outcome = result.status === "SUCCEEDED" ? (result.output as { status: string }).status : result.error!;
    outcomes[outcome] = (outcomes[outcome] ?? 0) + 1;
    if (result.status === "SUCCEEDED") expect(["COMPLETED", "DUPLICATE"]).toContain(outcome);
    else expect(CONTRACT_ERROR_NAMES).toContain(outcome);
    await checkInvariants(store, lastResults);
  }
  // The sequence reached every kind of ending, so the invariants were tried on each.
  for (const outcome of [
    "COMPLETED",
    "PaymentDeclined",
    "ProductNotFound",
    "InsufficientInventory",
    "ServiceUnavailable",
    "CompensationFailed",
  ]) {
    expect([outcome, outcomes[outcome] ?? 0]).toEqual([outcome, expect.any(Number)]);
    expect(outcomes[outcome]).toBeGreaterThan(0);
  }
}, 60000);
