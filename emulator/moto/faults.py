"""
Fault injection for end-to-end tests: makes chosen DynamoDB writes fail while switched on.

Test infrastructure, not a compatibility patch: moto has no gap here. It lets a test make
one order's refund keep failing (its payment ledger item cannot be updated) while every
other call, and every other order, works; the recovery phases of the lifecycle use it to
make an order end CompensationFailed (emulator/recovery-phases.ts).

Switched through the emulator's own HTTP server, at FAULTS_PATH:

  PUT    /_emulator/faults   body {"faults": [<fault>, ...]}: replaces the faults in force
  GET    /_emulator/faults   the faults in force, each with `injected` (how often it failed a call)
  DELETE /_emulator/faults   switches every fault off; answers what was in force, with counts

A fault:

  {
    "table": "<table name>",                  required
    "operations": ["UpdateItem", ...],        default UpdateItem and TransactWriteItems;
                                              also PutItem, DeleteItem
    "keyContains": "<text>",                  optional: only items whose key has this text
                                              (e.g. an execution name, the ledger's key)
    "error": "ProvisionedThroughputExceededException",   default; any DynamoDB error name
    "message": "..."                          optional
  }

A TransactWriteItems call fails when any of its writes (Put, Update, Delete, ConditionCheck)
matches, and then nothing of it is written, as in DynamoDB. The error is DynamoDB's JSON error
answer (HTTP 400, `__type` com.amazonaws.dynamodb.v20120810#<error>): the AWS SDKs read a
ProvisionedThroughputExceededException as throttling and retry it before giving up.
"""
import json
import threading

FAULTS_PATH = "/_emulator/faults"
OPERATIONS = ("PutItem", "UpdateItem", "DeleteItem", "TransactWriteItems")
DEFAULT_OPERATIONS = ["UpdateItem", "TransactWriteItems"]
DEFAULT_ERROR = "ProvisionedThroughputExceededException"

_lock = threading.Lock()
_faults = []
# Set while a transaction runs: moto writes its items through put_item and update_item, which
# are then parts of the TransactWriteItems call, not PutItem or UpdateItem calls of their own.
_in_transaction = threading.local()


class FaultError(ValueError):
    pass


def _validated(fault):
    if not isinstance(fault, dict):
        raise FaultError("a fault must be a JSON object")
    unknown = set(fault) - {"table", "operations", "keyContains", "error", "message"}
    if unknown:
        raise FaultError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    table = fault.get("table")
    if not isinstance(table, str) or not table:
        raise FaultError("a fault needs a table")
    operations = fault.get("operations", DEFAULT_OPERATIONS)
    if not isinstance(operations, list) or not operations or any(op not in OPERATIONS for op in operations):
        raise FaultError(f"operations must be a non-empty list of {', '.join(OPERATIONS)}")
    key_contains = fault.get("keyContains")
    if key_contains is not None and (not isinstance(key_contains, str) or not key_contains):
        raise FaultError("keyContains must be a non-empty string")
    error = fault.get("error", DEFAULT_ERROR)
    if not isinstance(error, str) or not error.isalnum():
        raise FaultError("error must be an error name such as ProvisionedThroughputExceededException")
    return {
        "table": table,
        "operations": list(operations),
        "keyContains": key_contains,
        "error": error,
        "message": fault.get("message") or f"fault injected by the emulator's test harness on table {table}",
        "injected": 0,
    }


def set_faults(faults):
    checked = [_validated(fault) for fault in faults]
    with _lock:
        _faults[:] = checked
        return [dict(fault) for fault in _faults]


def clear_faults():
    with _lock:
        cleared = [dict(fault) for fault in _faults]
        _faults.clear()
        return cleared


def current_faults():
    with _lock:
        return [dict(fault) for fault in _faults]


def _key_text(key):
    """Every string value of a DynamoDB key ({"name": {"S": "..."}}), joined."""
    return " ".join(
        str(value) for attribute in (key or {}).values() if isinstance(attribute, dict) for value in attribute.values()
    )


def _matching(operation, table, key_text):
    if operation != "TransactWriteItems" and getattr(_in_transaction, "active", False):
        return None
    with _lock:
        for fault in _faults:
            if operation in fault["operations"] and fault["table"] == table:
                if fault["keyContains"] is None or fault["keyContains"] in key_text:
                    fault["injected"] += 1
                    return dict(fault)
    return None


def _raise(fault):
    from moto.dynamodb.exceptions import ERROR_TYPE_PREFIX, DynamodbException

    raise DynamodbException(ERROR_TYPE_PREFIX + fault["error"], message=fault["message"])


def _table_key_of(table, item_or_key):
    """The key attributes of an item (PutItem passes the whole item)."""
    try:
        names = [table.hash_key_attr] + ([table.range_key_attr] if table.range_key_attr else [])
        return {name: item_or_key[name] for name in names if name in item_or_key}
    except Exception:  # noqa: BLE001 - a table moto does not know yet: match on the whole item
        return item_or_key


def install():
    """Hooks the DynamoDB backend's writes (over the patches, so a failing call takes no lock)."""
    from moto.dynamodb.models import DynamoDBBackend

    original_put = DynamoDBBackend.put_item
    original_update = DynamoDBBackend.update_item
    original_delete = DynamoDBBackend.delete_item
    original_transact = DynamoDBBackend.transact_write_items

    def key_text(backend, table_name, item_or_key):
        table = backend.tables.get(table_name)
        return _key_text(_table_key_of(table, item_or_key) if table else item_or_key)

    def put_item(self, table_name, item_attrs, *args, **kwargs):
        fault = _matching("PutItem", table_name, key_text(self, table_name, item_attrs))
        if fault:
            _raise(fault)
        return original_put(self, table_name, item_attrs, *args, **kwargs)

    def update_item(self, table_name, key, *args, **kwargs):
        fault = _matching("UpdateItem", table_name, _key_text(key))
        if fault:
            _raise(fault)
        return original_update(self, table_name, key, *args, **kwargs)

    def delete_item(self, table_name, key, *args, **kwargs):
        fault = _matching("DeleteItem", table_name, _key_text(key))
        if fault:
            _raise(fault)
        return original_delete(self, table_name, key, *args, **kwargs)

    def transact_write_items(self, transact_items, *args, **kwargs):
        for entry in transact_items:
            _, op = next(iter(entry.items()))
            table_name = op.get("TableName")
            target = op.get("Key") if "Key" in op else op.get("Item")
            fault = _matching("TransactWriteItems", table_name, key_text(self, table_name, target or {}))
            if fault:
                _raise(fault)
        _in_transaction.active = True
        try:
            return original_transact(self, transact_items, *args, **kwargs)
        finally:
            _in_transaction.active = False

    DynamoDBBackend.put_item = put_item
    DynamoDBBackend.update_item = update_item
    DynamoDBBackend.delete_item = delete_item
    DynamoDBBackend.transact_write_items = transact_write_items


def wrap(app):
    """The WSGI app with FAULTS_PATH answered here; every other request goes to moto."""

    def answer(start_response, status, body):
        payload = json.dumps(body).encode()
        start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
        return [payload]

    def application(environ, start_response):
        if environ.get("PATH_INFO") != FAULTS_PATH:
            return app(environ, start_response)
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            return answer(start_response, "200 OK", {"faults": current_faults()})
        if method == "DELETE":
            return answer(start_response, "200 OK", {"faults": clear_faults()})
        if method in ("PUT", "POST"):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
                body = json.loads(environ["wsgi.input"].read(length) or b"{}")
                faults = body.get("faults") if isinstance(body, dict) else None
                if not isinstance(faults, list):
                    raise FaultError('the body must be {"faults": [...]}')
                return answer(start_response, "200 OK", {"faults": set_faults(faults)})
            except (ValueError, FaultError) as error:
                return answer(start_response, "400 Bad Request", {"error": str(error)})
        return answer(start_response, "405 Method Not Allowed", {"error": f"{method} is not GET, PUT or DELETE"})

    return application
