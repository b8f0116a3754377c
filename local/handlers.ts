/** The real handler of each service, as the local runner and `npm run invoke` call them, on a given store. */
import { handlerFor as inventoryService } from "../functions/inventory-service";
import { handlerFor as notificationService } from "../functions/notification-service";
import { handlerFor as orderService } from "../functions/order-service";
import { handlerFor as paymentService } from "../functions/payment-service";
import { handlerFor as userService } from "../functions/user-service";
import { Handler } from "../functions/shared/handler";
import { StateStore } from "../functions/shared/store";
import { PerService } from "../stacks/services";

export type { Handler };

export function handlersFor(store: StateStore): PerService<Handler> {
  return {
    "user-service": userService(store),
    "order-service": orderService(store),
    "payment-service": paymentService(store),
    "inventory-service": inventoryService(store),
    "notification-service": notificationService(store),
  };
}
