/**
 * Named errors shared by every service. Step Functions matches Retry and Catch
 * rules on the error's `name` (the Lambda runtime reports it as `errorType`), so
 * these names are part of the workflow contract (docs/errors-and-outcomes.md).
 */

/** Errors that describe the order itself: retrying cannot change the outcome. */
export const BUSINESS_ERROR_NAMES = ["InvalidInput", "PaymentDeclined", "ProductNotFound", "InsufficientInventory"] as const;

/** A transient fault a service reports itself; Step Functions retries it. */
export const SERVICE_UNAVAILABLE = "ServiceUnavailable";

/** The execution's error when an undo (refund, release) still failed after its retries: an operator must finish it. */
export const COMPENSATION_FAILED = "CompensationFailed";

/**
 * order-service's answer to a request it has already accepted as another execution's
 * order (the same EventBridge event delivered twice). Its message is that order's id;
 * the workflow turns it into the output `{ status: "DUPLICATE", orderId }`.
 */
export const DUPLICATE_ORDER = "DuplicateOrder";

/**
 * order-service's answer when this very execution already ran to its end (a duplicate
 * run: Express's at-least-once start, or an operator running it again): its message is
 * the order's recorded outcome as JSON, and the workflow ends with that outcome again,
 * acting on nothing (docs/durable-state.md, "A run of an ended execution").
 */
export const ORDER_CLOSED = "OrderClosed";

export type BusinessErrorName = (typeof BUSINESS_ERROR_NAMES)[number];
export type ServiceErrorName = BusinessErrorName | typeof SERVICE_UNAVAILABLE | typeof DUPLICATE_ORDER | typeof ORDER_CLOSED;

/** Every Error an execution can end with. */
export const CONTRACT_ERROR_NAMES = [...BUSINESS_ERROR_NAMES, SERVICE_UNAVAILABLE, COMPENSATION_FAILED] as const;
export type ContractErrorName = (typeof CONTRACT_ERROR_NAMES)[number];

/** Every error name a service throws on purpose; anything else is a bug or a crash. */
export const SERVICE_ERROR_NAMES: readonly ServiceErrorName[] = [
  ...BUSINESS_ERROR_NAMES,
  SERVICE_UNAVAILABLE,
  DUPLICATE_ORDER,
  ORDER_CLOSED,
];

export class ServiceError extends Error {
  constructor(name: ServiceErrorName, message: string) {
    super(message);
    // Set explicitly: minified bundles rename classes, and `name` is what Step Functions sees.
    this.name = name;
  }
}

export class InvalidInput extends ServiceError {
  constructor(message: string) {
    super("InvalidInput", message);
  }
}

export class PaymentDeclined extends ServiceError {
  constructor(message: string) {
    super("PaymentDeclined", message);
  }
}

export class ProductNotFound extends ServiceError {
  constructor(message: string) {
    super("ProductNotFound", message);
  }
}

export class InsufficientInventory extends ServiceError {
  constructor(message: string) {
    super("InsufficientInventory", message);
  }
}

export class ServiceUnavailable extends ServiceError {
  constructor(message: string) {
    super(SERVICE_UNAVAILABLE, message);
  }
}

export class DuplicateOrder extends ServiceError {
  constructor(readonly orderId: string) {
    super(DUPLICATE_ORDER, orderId);
  }
}

/** The outcome an ended execution recorded in its order, as OrderClosed carries it. */
export interface RecordedOutcome {
  status: "COMPLETED" | "FAILED" | "COMPENSATION_FAILED";
  orderId: string;
  /** FAILED and COMPENSATION_FAILED: the execution's Error and Cause. */
  error?: string;
  reason?: string;
  /** COMPLETED: the order summary the customer was sent. */
  summary?: Record<string, unknown>;
}

export class OrderClosed extends ServiceError {
  constructor(readonly outcome: RecordedOutcome) {
    super(ORDER_CLOSED, JSON.stringify(outcome));
  }
}
