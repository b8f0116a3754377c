/**
 * The stock table's first figures, from the catalogue, without ever touching a live one.
 * Each apply that changes the catalogue calls inventory-service's `seed`, which adds only
 * the products the table lacks (one conditional write each) and reports the others as kept.
 *
 * Why not `aws_dynamodb_table_item`: Terraform owns such an item. A destroy deletes it first,
 * before a protected table refuses to go, and an apply puts the catalogue's figure back
 * whenever it creates it again (state lost, a destroy refused half-way): units already sold
 * would be sold a second time. An invocation owns nothing: destroying it deletes no item.
 * docs/durable-state.md, "Stock".
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { LambdaInvocation } from "@cdktf/provider-aws/lib/lambda-invocation";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { CATALOGUE, catalogueStockItems } from "../functions/shared/catalogue";

/** Where version 2 kept each product's seed item: `aws_dynamodb_table_item.state_stock_<product>`. */
export function formerSeedItemAddress(productId: string): string {
  return `aws_dynamodb_table_item.state_stock_${productId.toLowerCase().replace(/[^a-z0-9_]+/g, "_")}`;
}

export interface StockSeedProps {
  /** inventory-service, which owns the stock table. */
  inventory: LambdaFunction;
  stockTable: DynamodbTable;
}

export class StockSeed extends Construct {
  readonly invocation: LambdaInvocation;

  constructor(scope: Construct, id: string, props: StockSeedProps) {
    super(scope, id);
    this.invocation = new LambdaInvocation(this, "seed", {
      functionName: props.inventory.functionName,
      // A change of the catalogue changes the input, and so calls seed again: new products get their figure.
      input: JSON.stringify({ action: "seed", stock: catalogueStockItems() }),
      dependsOn: [props.stockTable],
    });
    // Version 2 seeded with table items: forget them without deleting the items (Terraform >= 1.7).
    TerraformStack.of(this).addOverride(
      "removed",
      [...CATALOGUE.keys()].map((productId) => ({ from: formerSeedItemAddress(productId), lifecycle: { destroy: false } })),
    );
  }
}
