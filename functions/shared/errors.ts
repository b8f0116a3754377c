/**
 * Named errors shared by every service. Step Functions matches Retry and Catch
 * rules on the error's `name` (the Lambda runtime reports it as `errorType`), so
 * these names are part of the workflow contract (DESIGN.md section 3).
 */

/** Errors that describe the order itself: retrying cannot change the outcome. */
export const BUSINESS_ERROR_NAMES = ["InvalidInput", "PaymentDeclined", "ProductNotFound", "InsufficientInventory"] as const;

/** A transient fault a service reports itself; Step Functions retries it. */
export const SERVICE_UNAVAILABLE = "ServiceUnavailable";

export type BusinessErrorName = (typeof BUSINESS_ERROR_NAMES)[number];
export type ContractErrorName = BusinessErrorName | typeof SERVICE_UNAVAILABLE;

export const CONTRACT_ERROR_NAMES: readonly ContractErrorName[] = [...BUSINESS_ERROR_NAMES, SERVICE_UNAVAILABLE];

export class ServiceError extends Error {
  constructor(name: ContractErrorName, message: string) {
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
