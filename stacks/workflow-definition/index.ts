/**
 * The order workflow's Amazon States Language definition: what the stack deploys, the local
 * runner runs, and the scripts and tests read. Importers use this module; the files beside
 * it hold one concept each.
 */
export * from "./graph";
export * from "./asl";
export * from "./retry-policies";
export * from "./state-names";
export * from "./timing";
