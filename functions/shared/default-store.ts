/**
 * Which store a handler uses: DynamoDB when the stack has given the function its table
 * names (ORDERS_TABLE, IDEMPOTENCY_TABLE, STOCK_TABLE), else one in-process store shared
 * by every service of the process, seeded from the catalogue. A Lambda function without
 * table names is a deployment mistake, reported rather than run on memory.
 */
import { catalogueStockItems } from "./catalogue";
import { DynamoStore } from "./dynamodb-store";
import { ServiceUnavailable } from "./errors";
import { MemoryStore } from "./memory-store";
import { StateStore, TABLE_ENVIRONMENT, TableName, TABLES } from "./store";

export function seededMemoryStore(): MemoryStore {
  return new MemoryStore({ stock: catalogueStockItems() });
}

export function storeFromEnvironment(env: NodeJS.ProcessEnv): StateStore {
  const tableNames = Object.fromEntries(
    TABLES.filter((table) => env[TABLE_ENVIRONMENT[table]]).map((table) => [table, env[TABLE_ENVIRONMENT[table]]]),
  ) as Partial<Record<TableName, string>>;
  if (Object.keys(tableNames).length > 0) return new DynamoStore(tableNames);
  if (env.AWS_LAMBDA_FUNCTION_NAME) {
    throw new ServiceUnavailable(
      `${env.AWS_LAMBDA_FUNCTION_NAME} has no table names (${Object.values(TABLE_ENVIRONMENT).join(", ")}): redeploy the stack`,
    );
  }
  return seededMemoryStore();
}

let shared: StateStore | undefined;

/** The store of this process, chosen on first use. */
export function defaultStore(): StateStore {
  shared ??= storeFromEnvironment(process.env);
  return shared;
}
