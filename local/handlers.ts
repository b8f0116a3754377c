/**
 * The real handler of each service, as the local runner and `npm run invoke` call them, on a
 * given store. Derived from stacks/services.ts: every service's `functions/<service>/index.ts`
 * exports `handlerFor(store)` (functions/shared/handler.ts, defineHandler), as the stack
 * bundles `handler` from the same file (stacks/bundle.ts). A new service needs no line here.
 */
import * as path from "node:path";
import { Handler } from "../functions/shared/handler";
import { StateStore } from "../functions/shared/store";
import { mapServices, PerService, ServiceName } from "../stacks/services";

export type { Handler };

/** What every `functions/<service>/index.ts` exports for running on a given store. */
interface ServiceModule {
  handlerFor?: (store: StateStore) => Handler;
}

/** The module of a service's handler, `functions/<service>/index.ts`. */
export const handlerModule = (service: ServiceName) => path.join(__dirname, "..", "functions", service, "index");

export function handlersFor(store: StateStore): PerService<Handler> {
  return mapServices((service) => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a module named at run time, loaded synchronously
    const { handlerFor } = require(handlerModule(service)) as ServiceModule;
    if (typeof handlerFor !== "function") {
      throw new Error(
        `functions/${service}/index.ts exports no handlerFor(store) (defineHandler in functions/shared/handler.ts)`,
      );
    }
    return handlerFor(store);
  });
}
