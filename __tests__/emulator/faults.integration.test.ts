/**
 * The emulator's fault injector (emulator/moto/faults.py, switched with emulator/faults.ts):
 * while a fault is in force, DynamoDB writes of its operations on its table, to keys that
 * contain its text, fail with a throttling error; everything else works; switched off, they
 * work again. On the real launcher, so the patches are applied underneath as in `npm run e2e`.
 */
import {
  CreateTableCommand,
  DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from "@aws-sdk/client-dynamodb";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { clearFaults, currentFaults, FAULTS_PATH, setFaults } from "../../emulator/faults";
import { emulatorClientConfig } from "../../emulator/inventory";
import { Emulator, findMoto, startEmulator } from "../../emulator/server";
import { describeUnless } from "../helpers/skip";

const { moto, reason } = findMoto();
const describeWithMoto = describeUnless(moto ? undefined : reason, "emulator fault injector tests");

const TABLE = "faults-idempotency";
const OTHER_TABLE = "faults-orders";
const FAILING = "payment-service:authorize:exec-1";
const WORKING = "payment-service:authorize:exec-2";

describeWithMoto("the emulator's fault injector", () => {
  const workDir = mkdtempSync(path.join(tmpdir(), "order-workflow-fault-injector-"));
  let emulator: Emulator;
  let ddb: DynamoDBClient;

  const key = (recordKey: string) => ({ recordKey: { S: recordKey } });
  const update = (recordKey: string, table = TABLE) =>
    ddb.send(
      new UpdateItemCommand({
        TableName: table,
        Key: key(recordKey),
        UpdateExpression: "SET #s = :s",
        ExpressionAttributeNames: { "#s": "status" },
        ExpressionAttributeValues: { ":s": { S: "REFUNDED" } },
      }),
    );
  const statusOf = async (recordKey: string) =>
    (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key(recordKey), ConsistentRead: true }))).Item?.status?.S;

  beforeAll(async () => {
    emulator = await startEmulator({ moto: moto!, workDir });
    // One attempt: the SDK would retry a throttling error, which only slows the test down.
    ddb = new DynamoDBClient({ ...emulatorClientConfig(emulator.endpoint), maxAttempts: 1 });
    for (const table of [TABLE, OTHER_TABLE]) {
      await ddb.send(
        new CreateTableCommand({
          TableName: table,
          BillingMode: "PAY_PER_REQUEST",
          KeySchema: [{ AttributeName: "recordKey", KeyType: "HASH" }],
          AttributeDefinitions: [{ AttributeName: "recordKey", AttributeType: "S" }],
        }),
      );
    }
    for (const recordKey of [FAILING, WORKING]) {
      await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(recordKey), status: { S: "AUTHORIZED" } } }));
    }
  }, 60000);

  afterAll(async () => {
    await emulator?.stop();
    rmSync(workDir, { recursive: true, force: true });
  });

  test("fails exactly the writes it names, while it is in force, and counts them", async () => {
    await setFaults(emulator.endpoint, [{ table: TABLE, keyContains: "exec-1" }]);

    await expect(update(FAILING)).rejects.toMatchObject({
      name: "ProvisionedThroughputExceededException",
      $metadata: { httpStatusCode: 400 },
    });
    // A transaction with one matching write fails whole: its other write is not made either.
    await expect(
      ddb.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Update: {
                TableName: TABLE,
                Key: key(WORKING),
                UpdateExpression: "SET note = :n",
                ExpressionAttributeValues: { ":n": { S: "in a failed transaction" } },
              },
            },
            { Put: { TableName: TABLE, Item: { ...key(`${FAILING}:other`), status: { S: "VOID" } } } },
          ],
        }),
      ),
    ).rejects.toMatchObject({ name: "ProvisionedThroughputExceededException" });
    expect(
      (await ddb.send(new GetItemCommand({ TableName: TABLE, Key: key(WORKING), ConsistentRead: true }))).Item?.note,
    ).toBeUndefined();

    // Another key, another table, another operation (PutItem is not among the defaults): untouched.
    await update(WORKING);
    await update(FAILING, OTHER_TABLE);
    await ddb.send(new PutItemCommand({ TableName: TABLE, Item: { ...key(`${FAILING}:put`), status: { S: "VOID" } } }));
    expect(await statusOf(WORKING)).toBe("REFUNDED");
    expect(await statusOf(FAILING)).toBe("AUTHORIZED");

    const [inForce] = await currentFaults(emulator.endpoint);
    expect(inForce).toMatchObject({
      table: TABLE,
      keyContains: "exec-1",
      operations: ["UpdateItem", "TransactWriteItems"],
      error: "ProvisionedThroughputExceededException",
      injected: 2,
    });

    // Switched off: the same write goes through.
    expect((await clearFaults(emulator.endpoint))[0].injected).toBe(2);
    await update(FAILING);
    expect(await statusOf(FAILING)).toBe("REFUNDED");
    expect(await currentFaults(emulator.endpoint)).toEqual([]);
  });

  test("a fault it cannot understand is refused with HTTP 400, naming the problem", async () => {
    const response = await fetch(`${emulator.endpoint}${FAULTS_PATH}`, {
      method: "PUT",
      body: JSON.stringify({ faults: [{ table: TABLE, operations: ["Scan"] }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "operations must be a non-empty list of PutItem, UpdateItem, DeleteItem, TransactWriteItems",
    });
    await expect(setFaults(emulator.endpoint, [{ table: "" }])).rejects.toThrow("a fault needs a table");
    expect(await currentFaults(emulator.endpoint)).toEqual([]);
  });
});
