/** The real handler of each service, as the local runner and `npm run invoke` call them. */
import { handler as inventoryService } from "../functions/inventory-service";
import { handler as notificationService } from "../functions/notification-service";
import { handler as orderService } from "../functions/order-service";
import { handler as paymentService } from "../functions/payment-service";
import { handler as userService } from "../functions/user-service";
import { PerService } from "../stacks/services";

export type Handler = (event: unknown) => Promise<unknown>;

export const HANDLERS: PerService<Handler> = {
  "user-service": userService,
  "order-service": orderService,
  "payment-service": paymentService,
  "inventory-service": inventoryService,
  "notification-service": notificationService,
};
