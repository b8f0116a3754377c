/** The five microservices: each has its folder under functions/ and a Lambda function `<project>-<service>`. */
export const SERVICES = [
  "user-service",
  "order-service",
  "payment-service",
  "inventory-service",
  "notification-service",
] as const;

export type ServiceName = (typeof SERVICES)[number];

/** A value per service, for example the functions' ARNs that the workflow definition is built from. */
export type PerService<T> = Record<ServiceName, T>;

/** One value per service, in SERVICES order. */
export function mapServices<T>(value: (service: ServiceName) => T): PerService<T> {
  return Object.fromEntries(SERVICES.map((service) => [service, value(service)])) as PerService<T>;
}
