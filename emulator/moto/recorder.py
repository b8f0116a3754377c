"""
The AWS API calls the AWS provider makes, as the emulator receives them: one JSON line per
request whose User-Agent names the provider (`terraform-provider-aws`, or Terraform), appended
to a file. Not a patch: it covers no gap and changes no answer; it wraps moto's WSGI
application, reads what identifies the call, and passes the request on untouched.

    {"service": "stepfunctions", "signingName": "states", "operation": "CreateStateMachine",
     "method": "POST", "path": "/", "status": 200, "userAgent": "APN/1.0 HashiCorp/1.0 Terraform/..."}

`operation` is the API operation as the service's API reference (and so IAM) names it, read
by protocol from botocore's service model (moto's own handler names are not operation names:
for Lambda's REST API they are `function`, `versions`, `concurrency`, ...):

- JSON (Step Functions, DynamoDB, EventBridge, CloudWatch Logs, SQS, KMS): `X-Amz-Target`,
  `<prefix>.<Operation>`;
- Smithy RPC v2 CBOR (CloudWatch): the path, `/service/<service>/operation/<Operation>`;
- query (IAM, SNS, STS): the `Action` parameter of the form body or the query string;
- REST (Lambda): the method and path matched against each operation's `requestUri` in the
  model (`GET /2015-03-31/functions/{FunctionName}` is GetFunction), the most literal match.

`service` is the botocore service whose model named it; `signingName` the service in the
request's SigV4 credential scope (`states`, `monitoring`, ...). A request none of the rules
names is still written, with `operation: null`, so that a check reading the file fails on it
rather than never seeing it.

The lifecycle appends its own marker lines to the same file (`{"marker": ...}`) before each
Terraform command (emulator/api-calls.ts), so that the calls of a plan and of an apply can be
told apart. Lines are written whole, one `write` each, under a lock.

Started by launcher.py when it is given `--record-calls FILE`; emulator/server.ts passes it.
"""
import io
import json
import re
import threading
from urllib.parse import parse_qs

# The User-Agent of the AWS provider's SDK calls: "APN/1.0 HashiCorp/1.0 Terraform/1.11.4
# (+https://www.terraform.io) terraform-provider-aws/5.100.0 (+https://registry...) aws-sdk-go-v2/...".
PROVIDER_USER_AGENT = re.compile(r"terraform-provider-aws/|\bTerraform/")

# SigV4 signing names that are not botocore's service name; every other one is.
SERVICE_OF_SIGNING_NAME = {"states": "stepfunctions", "monitoring": "cloudwatch"}

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")
CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([A-Za-z0-9]+)$")


def is_provider_call(user_agent):
    return bool(PROVIDER_USER_AGENT.search(user_agent or ""))


def signing_name(environ):
    match = CREDENTIAL_SCOPE.search(environ.get("HTTP_AUTHORIZATION", ""))
    return match.group(1) if match else None


_models = {}
_models_lock = threading.Lock()


def service_model(service):
    with _models_lock:
        if service not in _models:
            import botocore.session

            try:
                _models[service] = botocore.session.get_session().get_service_model(service)
            except Exception:
                _models[service] = None
        return _models[service]


def _uri_pattern(request_uri):
    """`/2015-03-31/functions/{FunctionName}/versions?x` -> (regex of the path, required query keys, literal length)."""
    path, _, query = request_uri.partition("?")
    literal = 0
    parts = []
    for piece in re.split(r"(\{[^}]+\})", path):
        if piece.startswith("{"):
            parts.append(".+" if piece.endswith("+}") else "[^/]+")
        else:
            parts.append(re.escape(piece))
            literal += len(piece)
    keys = [item.split("=", 1)[0] for item in query.split("&") if item]
    return re.compile("^" + "".join(parts) + "/?$"), keys, literal + len(keys)


_rest_routes = {}


def rest_operation(model, method, path, query):
    """The operation of a REST request: the matching route with the most literal text."""
    if model.service_name not in _rest_routes:
        routes = []
        for name in model.operation_names:
            http = model.operation_model(name).http
            routes.append((http.get("method", "POST").upper(), *_uri_pattern(http.get("requestUri", "/")), name))
        _rest_routes[model.service_name] = routes
    found = [
        (literal, name)
        for route_method, pattern, keys, literal, name in _rest_routes[model.service_name]
        if route_method == method and pattern.match(path) and all(key in query for key in keys)
    ]
    return max(found)[1] if found else None


def operation_of(environ, body):
    """(service, signing name, operation) of a request; the operation may be None."""
    signing = signing_name(environ)
    service = SERVICE_OF_SIGNING_NAME.get(signing, signing)
    target = environ.get("HTTP_X_AMZ_TARGET", "")
    if target:
        return service, signing, target.rsplit(".", 1)[-1]
    path = environ.get("PATH_INFO", "")
    cbor = CBOR_PATH.match(path)
    if cbor:
        return service, signing, cbor.group(1)
    query = parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True)
    form = {}
    if body and "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
        form = parse_qs(body.decode("utf-8", "replace"), keep_blank_values=True)
    action = (form.get("Action") or query.get("Action") or [None])[0]
    if action:
        return service, signing, action
    model = service_model(service) if service else None
    if model is not None and model.protocol in ("rest-json", "rest-xml"):
        return service, signing, rest_operation(model, environ.get("REQUEST_METHOD", "GET").upper(), path, query)
    return service, signing, None


def wrap(app, record_file):
    """moto's WSGI application, recording the provider's calls into `record_file` (appended)."""
    lock = threading.Lock()

    def write(line):
        with lock, open(record_file, "a", encoding="utf-8") as out:
            out.write(json.dumps(line, ensure_ascii=False) + "\n")

    def recording_app(environ, start_response):
        user_agent = environ.get("HTTP_USER_AGENT", "")
        if not is_provider_call(user_agent):
            return app(environ, start_response)
        body = b""
        if "x-www-form-urlencoded" in environ.get("CONTENT_TYPE", ""):
            # The query protocol's Action is in the body: read it, and hand moto the same bytes.
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length) if length > 0 else b""
            environ["wsgi.input"] = io.BytesIO(body)
        try:
            service, signing, operation = operation_of(environ, body)
        except Exception as error:  # never lose a call: write it unnamed, with why
            service, signing, operation = None, None, None
            environ["recorder.error"] = f"{type(error).__name__}: {error}"
        line = {
            "service": service,
            "signingName": signing,
            "operation": operation,
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),
            "userAgent": user_agent,
        }
        if "recorder.error" in environ:
            line["error"] = environ["recorder.error"]

        def recording_start_response(status, headers, exc_info=None):
            line["status"] = int(status.split(" ", 1)[0])
            write(line)
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        try:
            return app(environ, recording_start_response)
        except Exception:
            if "status" not in line:
                line["status"] = 500
                write(line)
            raise

    return recording_app


def request_environ(request):
    """The WSGI environ a botocore AWSPreparedRequest arrives as (for check_operation_names)."""
    from urllib.parse import urlsplit

    url = urlsplit(request.url)
    environ = {
        "REQUEST_METHOD": request.method,
        "PATH_INFO": url.path,
        "QUERY_STRING": url.query,
    }
    for name, value in request.headers.items():
        value = value.decode() if isinstance(value, bytes) else value
        key = name.upper().replace("-", "_")
        environ["CONTENT_TYPE" if key == "CONTENT_TYPE" else f"HTTP_{key}"] = value
    body = request.body or b""
    return environ, body.encode() if isinstance(body, str) else body


def check_operation_names(services=("lambda", "stepfunctions", "cloudwatch", "logs", "events", "sqs", "sns", "iam", "sts", "dynamodb", "kms")):
    """
    Every operation of each service, serialized by botocore as an SDK sends it (minimal
    parameters, signed with dummy keys, never sent), must be named back as itself. Returns
    {service: operations checked} and the mismatches as "service Operation -> named". An
    operation whose sample parameters botocore refuses is not counted.
    """
    import boto3
    import botocore.awsrequest
    import botocore.exceptions

    problems = []
    checked = {}
    session = boto3.session.Session(aws_access_key_id="recorder", aws_secret_access_key="recorder", region_name="us-east-1")
    for service in services:
        client = session.client(service, endpoint_url="http://127.0.0.1:9")
        captured = {}

        def capture(request, **_):
            captured["request"] = request
            return botocore.awsrequest.AWSResponse(request.url, 599, {}, None)

        client.meta.events.register("before-send", capture)
        model = client.meta.service_model
        for operation in model.operation_names:
            shape = model.operation_model(operation).input_shape
            params = {}
            for member in (shape.required_members if shape else []):
                member_shape = shape.members[member]
                params[member] = _sample(member_shape)
            captured.clear()
            try:
                getattr(client, _snake(client, operation))(**params)
            except Exception:
                pass  # the canned answer, or parameters botocore refuses
            if "request" not in captured:
                continue  # botocore refused the parameters: not a request the recorder can see
            environ, body = request_environ(captured["request"])
            named = operation_of(environ, body)[2]
            checked[service] = checked.get(service, 0) + 1
            if named != operation:
                problems.append(f"{service} {operation} -> {named}")
    return checked, problems


def _snake(client, operation):
    return next(name for name, op in client.meta.method_to_api_mapping.items() if op == operation)


def _sample(shape):
    kind = shape.type_name
    if kind == "string":
        return "sample-1" if not shape.enum else shape.enum[0]
    if kind in ("integer", "long"):
        return 1
    if kind in ("double", "float"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "blob":
        return b"x"
    if kind == "timestamp":
        return 0
    if kind == "list":
        return [_sample(shape.member)]
    if kind == "map":
        return {"k": _sample(shape.value)}
    if kind == "structure":
        return {name: _sample(shape.members[name]) for name in shape.required_members}
    return None
