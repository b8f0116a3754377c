/**
 * The store on DynamoDB, through the AWS SDK v3 client that the Lambda Node.js runtime
 * already carries: the bundles leave `@aws-sdk/*` out (stacks/bundle.ts), and it is
 * loaded on first use, so a bundle's start-up does not pay for it.
 *
 * A transaction of one operation is a plain PutItem or UpdateItem (half the write cost
 * of TransactWriteItems). Conditional-check failures become ConditionFailed; any other
 * DynamoDB error is a transient fault for the workflow (ServiceUnavailable, retried).
 */
import type * as DynamoDB from "@aws-sdk/client-dynamodb";
import { ServiceUnavailable } from "./errors";
import {
  checkTransaction,
  ConditionFailed,
  Item,
  Operation,
  StateStore,
  storedText,
  StoredValue,
  TABLE_KEYS,
  TableName,
} from "./store";

type AttributeValue = DynamoDB.AttributeValue;

export function marshal(value: StoredValue): AttributeValue {
  if (value === null) return { NULL: true };
  if (typeof value === "string") return { S: value };
  if (typeof value === "number") return { N: String(value) };
  if (typeof value === "boolean") return { BOOL: value };
  if (Array.isArray(value)) return { L: value.map(marshal) };
  return { M: marshalItem(value) };
}

export function unmarshal(value: AttributeValue): StoredValue {
  if (value.S !== undefined) return value.S;
  if (value.N !== undefined) return Number(value.N);
  if (value.BOOL !== undefined) return value.BOOL;
  if (value.NULL !== undefined) return null;
  if (value.L !== undefined) return value.L.map(unmarshal);
  if (value.M !== undefined) return unmarshalItem(value.M);
  throw new Error(`unsupported DynamoDB attribute type: ${Object.keys(value).join(", ")}`);
}

export const marshalItem = (item: Item): Record<string, AttributeValue> =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, marshal(value)]));

export const unmarshalItem = (item: Record<string, AttributeValue>): Item =>
  Object.fromEntries(Object.entries(item).map(([name, value]) => [name, unmarshal(value)]));

type Write = NonNullable<DynamoDB.TransactWriteItem>;

export class DynamoStore implements StateStore {
  private readonly sdk: typeof DynamoDB;
  private readonly client: DynamoDB.DynamoDBClient;

  /**
   * `tableNames`: the real table name of each table this service uses. `clientConfig`: for
   * tests against an emulator (endpoint, credentials); in Lambda the environment has all.
   */
  constructor(
    private readonly tableNames: Partial<Record<TableName, string>>,
    clientConfig: DynamoDB.DynamoDBClientConfig = {},
  ) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    this.sdk = require("@aws-sdk/client-dynamodb") as typeof DynamoDB;
    this.client = new this.sdk.DynamoDBClient(clientConfig);
  }

  private tableName(table: TableName): string {
    const name = this.tableNames[table];
    if (!name) throw new ServiceUnavailable(`this function is not configured with the ${table} table`);
    return name;
  }

  private keyOf(table: TableName, key: string) {
    return { [TABLE_KEYS[table]]: { S: key } };
  }

  async get(table: TableName, key: string): Promise<Item | undefined> {
    const { Item: found } = await this.call("GetItem", () =>
      this.client.send(
        new this.sdk.GetItemCommand({ TableName: this.tableName(table), Key: this.keyOf(table, key), ConsistentRead: true }),
      ),
    );
    return found ? unmarshalItem(found) : undefined;
  }

  async getMany(table: TableName, keys: string[]): Promise<Map<string, Item>> {
    const name = this.tableName(table);
    const found = new Map<string, Item>();
    let pending = [...new Set(keys)].map((key) => this.keyOf(table, key));
    // BatchGetItem may leave keys unprocessed under load: ask again for those.
    for (let round = 0; pending.length > 0; round++) {
      if (round === 5) throw new ServiceUnavailable(`DynamoDB BatchGetItem left ${pending.length} keys unprocessed`);
      const request = { [name]: { Keys: pending, ConsistentRead: true } };
      const answer = await this.call("BatchGetItem", () =>
        this.client.send(new this.sdk.BatchGetItemCommand({ RequestItems: request })),
      );
      for (const item of answer.Responses?.[name] ?? []) {
        const unmarshalled = unmarshalItem(item);
        found.set(storedText(unmarshalled[TABLE_KEYS[table]]), unmarshalled);
      }
      pending = (answer.UnprocessedKeys?.[name]?.Keys ?? []) as typeof pending;
    }
    return found;
  }

  async transact(operations: Operation[]): Promise<void> {
    checkTransaction(operations);
    const writes = operations.map((operation) => this.write(operation));
    if (writes.length === 1) {
      const [write] = writes;
      try {
        if (write.Put) await this.client.send(new this.sdk.PutItemCommand(write.Put));
        else if (write.Update) await this.client.send(new this.sdk.UpdateItemCommand(write.Update));
        else await this.client.send(new this.sdk.TransactWriteItemsCommand({ TransactItems: writes }));
        return;
      } catch (error) {
        if ((error as Error).name === "ConditionalCheckFailedException") throw new ConditionFailed(0);
        throw this.fault("write", error);
      }
    }
    try {
      await this.client.send(new this.sdk.TransactWriteItemsCommand({ TransactItems: writes }));
    } catch (error) {
      const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
      const failed = reasons.findIndex((reason) => reason.Code === "ConditionalCheckFailed");
      if ((error as Error).name === "TransactionCanceledException" && failed >= 0) throw new ConditionFailed(failed);
      throw this.fault("TransactWriteItems", error);
    }
  }

  /** One operation as DynamoDB's TransactWriteItem, with its condition expression. */
  private write(operation: Operation): Write {
    const TableName = this.tableName(operation.table);
    const keyName = TABLE_KEYS[operation.table];
    switch (operation.type) {
      case "put":
        return {
          Put: {
            TableName,
            Item: marshalItem(operation.item),
            ...(operation.ifAbsent
              ? { ConditionExpression: "attribute_not_exists(#key)", ExpressionAttributeNames: { "#key": keyName } }
              : {}),
          },
        };
      case "absent":
        return {
          ConditionCheck: {
            TableName,
            Key: this.keyOf(operation.table, operation.key),
            ConditionExpression: "attribute_not_exists(#key)",
            ExpressionAttributeNames: { "#key": keyName },
          },
        };
      case "add":
        return {
          Update: {
            TableName,
            Key: this.keyOf(operation.table, operation.key),
            UpdateExpression: "SET #value = #value + :amount",
            ConditionExpression: operation.atLeastZero
              ? "attribute_exists(#key) AND #value >= :needed"
              : "attribute_exists(#key) AND attribute_type(#value, :number)",
            ExpressionAttributeNames: { "#key": keyName, "#value": operation.attribute },
            ExpressionAttributeValues: {
              ":amount": marshal(operation.amount),
              ...(operation.atLeastZero ? { ":needed": marshal(-operation.amount) } : { ":number": { S: "N" } }),
            },
          },
        };
      case "update": {
        const names: Record<string, string> = { "#key": keyName };
        const values: Record<string, AttributeValue> = {};
        const assignments = Object.entries(operation.set).map(([attribute, value], index) => {
          names[`#a${index}`] = attribute;
          values[`:a${index}`] = marshal(value);
          return `#a${index} = :a${index}`;
        });
        let condition = "attribute_exists(#key)";
        if (operation.ifIn) {
          names["#condition"] = operation.ifIn.attribute;
          const allowed = operation.ifIn.values.map((value, index) => {
            values[`:in${index}`] = marshal(value);
            return `:in${index}`;
          });
          condition += ` AND #condition IN (${allowed.join(", ")})`;
        }
        return {
          Update: {
            TableName,
            Key: this.keyOf(operation.table, operation.key),
            UpdateExpression: `SET ${assignments.join(", ")}`,
            ConditionExpression: condition,
            ExpressionAttributeNames: names,
            ExpressionAttributeValues: values,
          },
        };
      }
    }
  }

  private async call<T>(what: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw this.fault(what, error);
    }
  }

  /** Throttling, a network fault, a missing table or a refused permission: the workflow retries, then compensates. */
  private fault(what: string, error: unknown): ServiceUnavailable {
    const { name, message } = error as Error;
    return new ServiceUnavailable(`DynamoDB ${what} failed: ${name}: ${message}`);
  }
}
