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

export type BusinessErrorName = (typeof BUSINESS_ERROR_NAMES)[number];
export type ServiceErrorName = BusinessErrorName | typeof SERVICE_UNAVAILABLE | typeof DUPLICATE_ORDER;

/** Every Error an execution can end with. */
export const CONTRACT_ERROR_NAMES = [...BUSINESS_ERROR_NAMES, SERVICE_UNAVAILABLE, COMPENSATION_FAILED] as const;
export type ContractErrorName = (typeof CONTRACT_ERROR_NAMES)[number];

/** Every error name a service throws on purpose; anything else is a bug or a crash. */
export const SERVICE_ERROR_NAMES: readonly ServiceErrorName[] = [...BUSINESS_ERROR_NAMES, SERVICE_UNAVAILABLE, DUPLICATE_ORDER];

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
