/**
 * patternMismatch (local/event-rule.ts): which field of the rule's event pattern an event did
 * not match, and why.
 */
import { patternMismatch } from "../../local/event-rule";

describe("patternMismatch", () => {
  const pattern = { source: ["orders"], detail: { kind: ["a", "b"], orderId: [{ exists: true }] } };

  test("undefined when the event matches", () => {
    expect(patternMismatch(pattern, { source: "orders", detail: { kind: "b", orderId: "o-1" } })).toBeUndefined();
  });

  test.each([
    [{ detail: { kind: "a", orderId: "o" } }, "source", 'field source is missing; the rule\'s pattern wants ["orders"]'],
    [{ source: ["other"], detail: {} }, "source", 'field source is ["other"]; the rule\'s pattern wants ["orders"]'],
    [{ source: "orders", detail: { kind: "c" } }, "detail.kind", 'field detail.kind is "c"; the rule\'s pattern wants ["a","b"]'],
    [
      { source: "orders", detail: { kind: "a" } },
      "detail.orderId",
      'field detail.orderId is missing; the rule\'s pattern wants [{"exists":true}]',
    ],
    [{ source: "orders", detail: "flat" }, "detail.kind", 'field detail.kind is missing; the rule\'s pattern wants ["a","b"]'],
    ["not an event", "source", 'field source is missing; the rule\'s pattern wants ["orders"]'],
  ])("%j fails at %s", (event, field, reason) => {
    expect(patternMismatch(pattern, event)).toEqual({ field, reason });
  });
});
