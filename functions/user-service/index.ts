/**
 * user-service: looks up the customer who placed the order.
 *
 * Event: the order request as submitted, `{ userId, orderData? }` (the workflow passes
 * it whole, so that a malformed request is refused here with InvalidInput rather than
 * by a failed path lookup in the state machine). `{"userId": "test123"}` alone works too.
 */
import { defineHandler } from "../shared/handler";
import { fnv1a32 } from "../shared/idempotency";
import { allowOnlyKeys, requireObject, requireUserId } from "../shared/validation";

export interface UserProfile {
  userId: string;
  name: string;
  email: string;
  creditScore: number;
}

/** DESIGN.md section 3: 600 + FNV-1a(userId) mod 251, so scores run from 600 to 850. */
export function creditScoreOf(userId: string): number {
  return 600 + (fnv1a32(userId) % 251);
}

/** A userId that is one e-mail address is used as such; any other gets a placeholder address. */
export function emailOf(userId: string): string {
  return /^[^@]+@[^@]+$/.test(userId) ? userId : `${userId.replace(/@/g, "_")}@example.com`;
}

export function getUser(event: unknown): UserProfile {
  const request = requireObject(event, "input");
  allowOnlyKeys(request, "", ["userId", "orderData"]);
  const userId = requireUserId(request.userId, "userId");
  return {
    userId,
    name: `Customer ${userId}`,
    email: emailOf(userId),
    creditScore: creditScoreOf(userId),
  };
}

export const handler = defineHandler("user-service", (event) => ({
  action: "get",
  result: getUser(event),
}));
