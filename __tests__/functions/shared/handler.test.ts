/**
 * Malformed events, as JSON text exactly as they would arrive: each is refused with
 * InvalidInput and a message that names the offending field.
 */
import { seededMemoryStore } from "../../../functions/shared/default-store";
import { handlersFor } from "../../../local/handlers";
import { ServiceName } from "../../../stacks/services";

const ITEM = '{"productId":"PROD001","quantity":2,"price":29.99}';
const order = (items: string) => `{"orderData":{"items":[${items}]},"userData":{"userId":"test123"},"idempotencyKey":"exec-1"}`;
const authorize = (fields: string) =>
  `{"action":"authorize","orderId":"ord-1","userId":"u1","creditScore":700,"amountCents":100,"idempotencyKey":"k1"${fields}}`;
const reserve = (items: string) => `{"action":"reserve","orderId":"ord-1","items":[${items}],"idempotencyKey":"k1"}`;
const recipient = '{"userId":"test123","email":"test123@example.com"}';
const deep = (levels: number) => "[".repeat(levels) + "]".repeat(levels);

/** [service, event JSON, field the message must name]. */
const MALFORMED: [ServiceName, string, string][] = [
  // user-service: the order request
  ["user-service", "null", "input"],
  ["user-service", "[]", "input"],
  ["user-service", '"test123"', "input"],
  ["user-service", "42", "input"],
  ["user-service", "true", "input"],
  ["user-service", "{}", "userId"],
  ["user-service", '{"userId":null}', "userId"],
  ["user-service", '{"userId":1e309}', "userId"],
  ["user-service", '{"userId":["test123"]}', "userId"],
  ["user-service", '{"userId":{"id":"x"}}', "userId"],
  ["user-service", '{"userId":""}', "userId"],
  ["user-service", `{"userId":"${"x".repeat(65)}"}`, "userId"],
  ["user-service", '{"userId":"bob\\"; drop"}', "userId"],
  ["user-service", '{"userId":"line\\nbreak"}', "userId"],
  ["user-service", '{"userId":"tab\\there"}', "userId"],
  ["user-service", '{"userId":"nul\\u0000"}', "userId"],
  ["user-service", '{"userId":"ünïcødé"}', "userId"],
  ["user-service", '{"userId":"emoji\\ud83d\\ude00"}', "userId"],
  ["user-service", '{"userId":"ok","admin":true}', "admin"],
  ["user-service", '{"userId":"ok","__proto__":{"x":1}}', "__proto__"],
  ["user-service", `{"userId":"ok","${"k".repeat(100000)}":1}`, `"${"k".repeat(64)}..."`],
  ["user-service", '{"userId":"ok","bad key\\n":1}', '"bad key\\n"'],
  // order-service: items
  ["order-service", order(""), "orderData.items"],
  ["order-service", order(Array(101).fill(ITEM).join(",")), "orderData.items"],
  ["order-service", order(Array(10000).fill(ITEM).join(",")), "orderData.items"],
  ["order-service", order("null"), "orderData.items[0]"],
  ["order-service", order(deep(200)), "orderData.items[0]"],
  ["order-service", order('"PROD001"'), "orderData.items[0]"],
  ["order-service", order('{"quantity":1,"price":1}'), "orderData.items[0].productId"],
  ["order-service", order('{"productId":"PROD001","price":1}'), "orderData.items[0].quantity"],
  ["order-service", order('{"productId":"PROD001","quantity":1}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1,"price":1e309}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1,"price":-0}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1,"price":-0.0}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1,"price":1e-7}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1,"price":"29.99"}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1,"price":[29.99]}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1,"price":1000000.5}'), "orderData.items[0].price"],
  ["order-service", order('{"productId":"PROD001","quantity":1e309,"price":1}'), "orderData.items[0].quantity"],
  ["order-service", order('{"productId":"PROD001","quantity":-0,"price":1}'), "orderData.items[0].quantity"],
  ["order-service", order('{"productId":"PROD001","quantity":2.5,"price":1}'), "orderData.items[0].quantity"],
  ["order-service", order('{"productId":"PROD001","quantity":true,"price":1}'), "orderData.items[0].quantity"],
  ["order-service", order('{"productId":"PROD001","quantity":10001,"price":1}'), "orderData.items[0].quantity"],
  ["order-service", order('{"productId":"PROD\\u0000","quantity":1,"price":1}'), "orderData.items[0].productId"],
  ["order-service", order('{"productId":"PROD 001","quantity":1,"price":1}'), "orderData.items[0].productId"],
  ["order-service", order('{"productId":"PRÖD","quantity":1,"price":1}'), "orderData.items[0].productId"],
  ["order-service", order(`{"productId":"${"P".repeat(100000)}","quantity":1,"price":1}`), "orderData.items[0].productId"],
  ["order-service", order(`${ITEM},{"productId":"PROD002","quantity":1,"price":1,"discount":5}`), "orderData.items[1].discount"],
  ["order-service", '{"orderData":{"items":"PROD001"},"userData":{"userId":"u"}}', "orderData.items"],
  ["order-service", '{"orderData":[],"userData":{"userId":"u"}}', "orderData"],
  ["order-service", `{"orderData":{"items":[${ITEM}]},"userData":"u"}`, "userData"],
  ["order-service", `{"orderData":{"items":[${ITEM}]},"userData":{"userId":"u"},"idempotencyKey":"has space"}`, "idempotencyKey"],
  [
    "order-service",
    `{"orderData":{"items":[${ITEM}]},"userData":{"userId":"u"},"idempotencyKey":"${"k".repeat(129)}"}`,
    "idempotencyKey",
  ],
  // payment-service
  ["payment-service", '{"action":"charge"}', "action"],
  ["payment-service", '{"action":null}', "action"],
  ["payment-service", authorize(',"extra":1'), "extra"],
  ["payment-service", authorize("").replace('"creditScore":700', '"creditScore":"700"'), "creditScore"],
  ["payment-service", authorize("").replace('"amountCents":100', '"amountCents":1e309'), "amountCents"],
  ["payment-service", authorize("").replace('"amountCents":100', '"amountCents":-0'), "amountCents"],
  ["payment-service", authorize("").replace('"orderId":"ord-1"', '"orderId":"ord 1\\n"'), "orderId"],
  ["payment-service", '{"action":"refund","orderId":null,"idempotencyKey":"k"}', "orderId"],
  // inventory-service
  ["inventory-service", reserve(""), "items"],
  ["inventory-service", reserve('{"productId":"PROD001","quantity":0}'), "items[0].quantity"],
  ["inventory-service", reserve('{"productId":{},"quantity":1}'), "items[0].productId"],
  ["inventory-service", '{"action":"release","orderId":"ord-1","reservations":{"a":1},"idempotencyKey":"k"}', "reservations"],
  ["inventory-service", '{"action":"release","orderId":["ord-1"],"idempotencyKey":"k"}', "orderId"],
  ["inventory-service", '{"action":"reserve","orderId":"ord-1","items":[],"idempotencyKey":"k","warehouse":"x"}', "warehouse"],
  // notification-service
  [
    "notification-service",
    `{"action":"confirmation","recipient":${recipient},"order":{"orderId":"o","userId":"test123","total":"1","transactionId":"t"},"idempotencyKey":"k"}`,
    "order.total",
  ],
  [
    "notification-service",
    `{"action":"confirmation","recipient":{"userId":"u","email":"a@b\\"c"},"order":{},"idempotencyKey":"k"}`,
    "recipient.email",
  ],
  [
    "notification-service",
    `{"action":"failure","recipient":${recipient},"failure":{"orderId":null,"error":"Boom","detail":{"errorMessage":"x"}},"idempotencyKey":"k"}`,
    "failure.error",
  ],
  [
    "notification-service",
    `{"action":"failure","recipient":${recipient},"failure":{"orderId":7,"error":"InvalidInput","detail":{"errorMessage":"x"}},"idempotencyKey":"k"}`,
    "failure.orderId",
  ],
];

describe("malformed events are refused with InvalidInput naming the field", () => {
  test.each(MALFORMED.map(([service, text, field], index) => [index, service, field, text] as const))(
    "#%i %s: names %s",
    async (_index, service, field, text) => {
      const event = JSON.parse(text) as unknown;
      const handle = handlersFor(seededMemoryStore())[service];
      const refusal = await handle(event).then(
        (result) => ({ name: "accepted", message: JSON.stringify(result) }),
        (error: Error) => error,
      );
      expect(refusal.name).toBe("InvalidInput");
      // The message starts with exactly that field's whole path, then the rule: "orderData.items" does not
      // stand for "orderData.items[0].price".
      expect(refusal.message.slice(0, field.length + 1)).toBe(`${field} `);
      expect(refusal.message.length).toBeLessThan(300);
    },
  );
});
