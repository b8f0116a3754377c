/**
 * The services' durable state (docs/durable-state.md): three DynamoDB tables, on-demand,
 * with point-in-time recovery and, when kms_key_arn is set, the customer's key, and
 * deletion protection with table_deletion_protection. Terraform writes no item: the stock
 * is seeded by inventory-service (stock-seed.ts), so no apply or destroy touches live data.
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { EXPIRES_AT, TABLE_KEYS, TableName, TABLES } from "../functions/shared/store";
import { WorkflowVariables } from "./variables";

export interface StateTablesProps {
  namePrefix: string;
  vars: WorkflowVariables;
}

export class StateTables extends Construct {
  readonly tables: Record<TableName, DynamodbTable>;

  constructor(scope: Construct, id: string, props: StateTablesProps) {
    super(scope, id);
    const { vars } = props;
    this.tables = Object.fromEntries(
      TABLES.map((table) => [
        table,
        new DynamodbTable(this, table, {
          name: `${props.namePrefix}-${table}`,
          billingMode: "PAY_PER_REQUEST",
          hashKey: TABLE_KEYS[table],
          attribute: [{ name: TABLE_KEYS[table], type: "S" }],
          pointInTimeRecovery: { enabled: true },
          // AWS-owned key by default (no KMS charges); the customer's key when given.
          serverSideEncryption: {
            enabled: Token.asAny(`\${${vars.kmsKeyArn.fqn} != null}`),
            kmsKeyArn: vars.kmsKeyArn.stringValue,
          },
          deletionProtectionEnabled: vars.tableDeletionProtection.booleanValue,
          // Idempotency records expire; orders and stock are kept.
          ...(table === "idempotency" ? { ttl: { attributeName: EXPIRES_AT, enabled: true } } : {}),
        }),
      ]),
    ) as Record<TableName, DynamodbTable>;
  }
}
