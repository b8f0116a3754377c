/**
 * user-service: looks up the customer who placed the order.
 *
 * Event: the order request as submitted, `{ userId, orderData?, eventId? }` (the workflow
 * passes it whole, so that a malformed request is refused here with InvalidInput rather
 * than by a failed path lookup in the state machine). `{"userId": "test123"}` alone works too.
 * A request larger than any valid order is refused here too, before the workflow adds
 * anything to it: near Step Functions' 256 KB limit, the next state would fail with
 * States.DataLimitExceeded, which no Catch can handle.
 */
import { InvalidInput } from "../shared/errors";
import { defineHandler } from "../shared/handler";
import { fnv1a32 } from "../shared/idempotency";
import { allowOnlyKeys, LIMITS, requireObject, requireUserId } from "../shared/validation";

export interface UserProfile {
  userId: string;
  name: string;
  email: string;
  creditScore: number;
}

/** docs/business-rules.md: 600 + FNV-1a(userId) mod 251, so scores run from 600 to 850. */
export function creditScoreOf(userId: string): number {
  return 600 + (fnv1a32(userId) % 251);
}

/** A userId that is one e-mail address is used as such; any other gets a placeholder address. */
export function emailOf(userId: string): string {
  return /^[^@]+@[^@]+$/.test(userId) ? userId : `${userId.replace(/@/g, "_")}@example.com`;
}

export function getUser(event: unknown): UserProfile {
  const request = requireObject(event, "input");
  allowOnlyKeys(request, "", ["userId", "orderData", "eventId"]);
  const bytes = Buffer.byteLength(JSON.stringify(request));
  if (bytes > LIMITS.maxRequestBytes) {
    throw new InvalidInput(`input must be at most ${LIMITS.maxRequestBytes} bytes of JSON, got ${bytes}`);
  }
  const userId = requireUserId(request.userId, "userId");
  return {
    userId,
    name: `Customer ${userId}`,
    email: emailOf(userId),
    creditScore: creditScoreOf(userId),
  };
}

export const { handler, handlerFor } = defineHandler("user-service", async (event) => ({
  action: "get",
  result: getUser(event),
}));
