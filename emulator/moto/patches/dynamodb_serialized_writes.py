"""
Concurrent DynamoDB writes are not isolated: a failed transaction undoes other transactions.

moto/dynamodb/models/__init__.py transact_write_items deep-copies every table it touches
before it starts, checks and writes item by item, and when a condition fails puts the whole
table copies back. Two transactions at once (moto's server runs requests on threads): the one
that fails restores tables as they were before the other one committed, so that commit is
lost. Five concurrent reservations of the last 10 units then leave the stock at 10 with two
"committed". DynamoDB runs transactions and conditional writes serializably.

The patch runs every write of the DynamoDB backend (transactions, PutItem, UpdateItem,
DeleteItem, BatchWriteItem) under one lock, which is what serializable means for one
process. Reads are not locked; no condition or expression is evaluated differently.
"""
import threading

GAP = "a failed TransactWriteItems restores whole-table copies taken before it started, losing concurrent commits (moto/dynamodb/models/__init__.py transact_write_items)"

_WRITES = ("transact_write_items", "put_item", "update_item", "delete_item", "batch_write_item")


def apply(settings):
    from moto.dynamodb.models import DynamoDBBackend

    lock = threading.RLock()
    for name in _WRITES:
        original = getattr(DynamoDBBackend, name, None)
        if original is None:
            continue

        def serialized(self, *args, __original=original, **kwargs):
            with lock:
                return __original(self, *args, **kwargs)

        setattr(DynamoDBBackend, name, serialized)


def probe():
    """A transaction whose condition fails, interleaved with one that commits: is the commit kept?"""
    import time

    import boto3
    from moto import mock_aws
    import moto.dynamodb.models as models

    original = models.get_filter_expression

    def slow(*args, **kwargs):
        # Widens the window between the failing transaction's table copy and its restore.
        time.sleep(0.3)
        return original(*args, **kwargs)

    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="stock",
            BillingMode="PAY_PER_REQUEST",
            KeySchema=[{"AttributeName": "productId", "KeyType": "HASH"}],
            AttributeDefinitions=[{"AttributeName": "productId", "AttributeType": "S"}],
        )
        client.put_item(TableName="stock", Item={"productId": {"S": "P"}, "available": {"N": "10"}})
        take = {
            "Update": {
                "TableName": "stock",
                "Key": {"productId": {"S": "P"}},
                "UpdateExpression": "SET available = available - :n",
                "ExpressionAttributeValues": {":n": {"N": "10"}},
            }
        }
        refused = {
            "ConditionCheck": {
                "TableName": "stock",
                "Key": {"productId": {"S": "MISSING"}},
                "ConditionExpression": "attribute_exists(productId)",
            }
        }
        models.get_filter_expression = slow
        try:
            failing = threading.Thread(target=lambda: _ignore(lambda: client.transact_write_items(TransactItems=[refused])))
            failing.start()
            time.sleep(0.1)  # the failing transaction has copied the table and waits in its condition
            models.get_filter_expression = original
            client.transact_write_items(TransactItems=[take])
            failing.join()
        finally:
            models.get_filter_expression = original
        available = client.get_item(TableName="stock", Key={"productId": {"S": "P"}})["Item"]["available"]["N"]
        if available == "10":
            return True, "a committed decrement (10 to 0) was undone by a concurrent failing transaction: stock read 10"
        return False, f"the committed decrement was kept (stock {available})"


def _ignore(call):
    try:
        call()
    except Exception:
        pass
