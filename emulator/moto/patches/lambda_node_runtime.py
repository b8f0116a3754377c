"""
Invoke runs the function's code only in Docker; without Docker it answers canned text.

moto/awslambda_simple/models.py (the backend used when `lambda.use_docker` is off) returns
the request body, or a queued canned answer, without running anything; the Docker backend
(moto/awslambda/models.py _invoke_lambda) needs a Docker daemon and the runtime image.

The patch runs the deployed zip's handler on the Node.js of the function's runtime, as the
Lambda Node.js runtime would: the launcher's --node-runtime names the binary for one runtime
(nodejs22.x: a Node.js 22, found by emulator/server.ts), and a function of any other runtime,
or any function when no binary was given, is refused with the error Emulator.RuntimeUnavailable
instead of running on the wrong Node.js. The zip is extracted once per CodeSha256, emulator/moto/node_bootstrap.cjs
calls handler(event, context), and a thrown error becomes FunctionError "Unhandled" with the
runtime's {errorType, errorMessage, trace} payload. The process gets only what Lambda gives:
the function's environment variables, AWS_REGION, dummy credentials, AWS_ENDPOINT_URL aimed
at this emulator, and NODE_PATH=<repo>/node_modules so `@aws-sdk/*` resolves, as the
runtime's bundled SDK v3 does. It is in the backend's invoke, the path both the HTTP API and
moto's Step Functions interpreter (which calls Lambda in-process) go through. The function's
console output goes to its log group, when the group exists (Lambda would create it; the
stack creates it first, with retention).
"""
import io
import json
import os
import subprocess
import threading
import uuid
import zipfile

GAP = "Lambda Invoke without Docker returns canned answers instead of running the code (moto/awslambda_simple/models.py)"

BOOTSTRAP = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "node_bootstrap.cjs")

_extract_lock = threading.Lock()


def _header(headers, name, default=None):
    for key, value in (headers or {}).items():
        if key.lower() == name.lower():
            return value
    return default


def _task_root(fn, work_dir):
    """The zip extracted once per code hash, as Lambda's /var/task."""
    root = os.path.join(work_dir, "lambda", fn.code_sha_256.replace("/", "_").replace("+", "-"))
    with _extract_lock:
        if not os.path.isdir(root):
            with zipfile.ZipFile(io.BytesIO(fn.code_bytes)) as archive:
                archive.extractall(root + ".tmp")
            os.rename(root + ".tmp", root)
    return root


RUNTIME_UNAVAILABLE = "Emulator.RuntimeUnavailable"


def runtime_refusal(fn, settings):
    """Why this emulator cannot run the function's runtime, or None when it can."""
    if not settings.get("node"):
        return f"cannot run {fn.run_time}: the emulator was started without a Node.js for the functions"
    if fn.run_time != settings.get("node_runtime"):
        return f"cannot run {fn.run_time}: this emulator runs {settings['node_runtime']} functions only"
    return None


def run_handler(fn, event_text, settings):
    """(payload bytes, function error or None, log text) of one invocation."""
    refusal = runtime_refusal(fn, settings)
    if refusal:
        error = {"errorType": RUNTIME_UNAVAILABLE, "errorMessage": f"{fn.function_name}: {refusal}"}
        return json.dumps(error).encode("utf-8"), "Unhandled", f"{RUNTIME_UNAVAILABLE}: {error['errorMessage']}\n"
    request_id = str(uuid.uuid4())
    timeout = int(fn.timeout or 3)
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        **{key: str(value) for key, value in (fn.environment_vars or {}).items()},
        "AWS_REGION": fn.region,
        "AWS_DEFAULT_REGION": fn.region,
        "AWS_ACCESS_KEY_ID": "emulator",
        "AWS_SECRET_ACCESS_KEY": "emulator",
        "AWS_SESSION_TOKEN": "emulator",
        "AWS_ENDPOINT_URL": settings["endpoint_url"],
        "AWS_LAMBDA_FUNCTION_NAME": fn.function_name,
        "AWS_LAMBDA_FUNCTION_VERSION": str(fn.version),
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(fn.memory_size),
        "AWS_LAMBDA_LOG_GROUP_NAME": fn.logs_group_name,
        "AWS_EXECUTION_ENV": f"AWS_Lambda_{fn.run_time}",
        "_HANDLER": fn.handler,
        "TZ": ":UTC",
        "NODE_PATH": settings["node_path"],
        "EMULATOR_REQUEST_ID": request_id,
    }
    task_root = _task_root(fn, settings["work_dir"])
    env["LAMBDA_TASK_ROOT"] = task_root
    # The outcome goes to a file of its own: stdout and stderr are the function's log.
    outcome_file = os.path.join(settings["work_dir"], f"outcome-{request_id}.json")
    process = subprocess.Popen(
        [settings["node"], BOOTSTRAP, task_root, fn.handler, str(timeout * 1000), outcome_file],
        cwd=task_root,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    timed_out = False
    try:
        logs, _ = process.communicate(event_text.encode("utf-8"), timeout=timeout)
    except subprocess.TimeoutExpired:
        timed_out = True
        process.kill()
        logs, _ = process.communicate()
    try:
        with open(outcome_file, encoding="utf-8") as file:
            outcome_text = file.read()
        os.remove(outcome_file)
    except OSError:
        outcome_text = ""
    if timed_out:
        outcome_text = json.dumps(
            {
                "ok": False,
                "error": {
                    "errorType": "Sandbox.Timedout",
                    "errorMessage": f"RequestId: {request_id} Error: Task timed out after {timeout:.2f} seconds",
                },
            }
        )
    logs = logs.decode("utf-8", "replace")
    try:
        outcome = json.loads(outcome_text)
    except ValueError:
        outcome = {
            "ok": False,
            "error": {
                "errorType": "Runtime.ExitError",
                "errorMessage": f"RequestId: {request_id} Error: Runtime exited with code {process.returncode}",
            },
        }
    if outcome["ok"]:
        return json.dumps(outcome["result"]).encode("utf-8"), None, logs
    return json.dumps(outcome["error"]).encode("utf-8"), "Unhandled", logs


def _save_logs(fn, logs):
    try:
        fn.save_logs(logs or " ")
    except Exception:
        pass  # no log group (yet): Lambda would create one; the stack creates it before the function


def apply(settings):
    from moto.awslambda_simple.models import LambdaSimpleBackend

    def invoke(self, function_name, qualifier, body, headers, response_headers):
        fn = self.get_function(function_name, qualifier)
        invocation_type = _header(headers, "X-Amz-Invocation-Type", "RequestResponse")
        if invocation_type == "DryRun":
            return b""
        event_text = body if isinstance(body, str) and body else (body.decode("utf-8") if body else "{}")

        if invocation_type == "Event":
            threading.Thread(target=lambda: _save_logs(fn, run_handler(fn, event_text, settings)[2]), daemon=True).start()
            return b""
        payload, function_error, logs = run_handler(fn, event_text, settings)
        _save_logs(fn, logs)
        if function_error:
            response_headers["x-amz-function-error"] = function_error
        response_headers["x-amz-executed-version"] = str(fn.version)
        response_headers["Content-Length"] = str(len(payload))
        return payload

    LambdaSimpleBackend.invoke = invoke


def probe():
    import boto3
    from moto import mock_aws

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr("index.js", 'exports.handler = async () => ({ ranBy: "handler" });')
    with mock_aws(config={"lambda": {"use_docker": False}}):
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="probe", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        client = boto3.client("lambda", region_name="us-east-1")
        client.create_function(
            FunctionName="probe",
            Runtime="nodejs22.x",
            Role=role,
            Handler="index.handler",
            Code={"ZipFile": code.getvalue()},
        )
        answer = client.invoke(FunctionName="probe", Payload=b'{"ranBy":"caller"}')["Payload"].read().decode()
    if json.loads(answer) == {"ranBy": "handler"}:
        return False, "the handler ran"
    return True, f"the handler did not run; moto answered {answer[:100]}"


def verify():
    """With the patch applied: the runtime's contract, as the stack relies on it."""
    import boto3
    from moto import mock_aws

    code = io.BytesIO()
    with zipfile.ZipFile(code, "w") as archive:
        archive.writestr(
            "index.js",
            "exports.handler = async (event, context) => {\n"
            "  if (event.fail) { const e = new Error('declined: ' + event.fail); e.name = 'PaymentDeclined'; throw e; }\n"
            "  if (event.sleep) await new Promise((r) => setTimeout(r, event.sleep));\n"
            "  return { event, setting: process.env.SETTING, endpoint: process.env.AWS_ENDPOINT_URL,\n"
            "    region: process.env.AWS_REGION, name: context.functionName, node: process.versions.node,\n"
            "    sdk: typeof require('@aws-sdk/client-sfn').SFNClient };\n"
            "};\n",
        )
    problems = []
    with mock_aws(config={"lambda": {"use_docker": False}}):
        iam = boto3.client("iam", region_name="us-east-1")
        role = iam.create_role(RoleName="verify", AssumeRolePolicyDocument="{}")["Role"]["Arn"]
        client = boto3.client("lambda", region_name="us-east-1")
        # A generous limit for the checks (node starts slowly on a busy machine), a short one for the timeout.
        for name, timeout, runtime in (("verify", 60, "nodejs22.x"), ("verify-timeout", 1, "nodejs22.x"), ("verify-old", 60, "nodejs20.x")):
            client.create_function(
                FunctionName=name,
                Runtime=runtime,
                Role=role,
                Handler="index.handler",
                Code={"ZipFile": code.getvalue()},
                Timeout=timeout,
                Environment={"Variables": {"SETTING": "on"}},
            )

        def invoke(event, name="verify"):
            answer = client.invoke(FunctionName=name, Payload=json.dumps(event).encode())
            return answer.get("FunctionError"), json.loads(answer["Payload"].read())

        error, payload = invoke({"order": 1})
        expected = {"order": 1}
        if error or payload.get("event") != expected or payload.get("setting") != "on" or payload.get("name") != "verify":
            problems.append(f"result: {error} {payload}")
        if payload.get("region") != "us-east-1" or not str(payload.get("endpoint", "")).startswith("http://127.0.0.1:"):
            problems.append(f"environment: {payload}")
        if payload.get("sdk") != "function":
            problems.append(f"@aws-sdk/client-sfn does not resolve through NODE_PATH: {payload}")
        if str(payload.get("node", "")).split(".")[0] != "22":
            problems.append(f"nodejs22.x ran on Node.js {payload.get('node')}")
        error, payload = invoke({"fail": "score 600"})
        if error != "Unhandled" or payload.get("errorType") != "PaymentDeclined" or payload.get("errorMessage") != "declined: score 600":
            problems.append(f"error: {error} {payload}")
        if not isinstance(payload.get("trace"), list):
            problems.append(f"error trace: {payload}")
        error, payload = invoke({"sleep": 5000}, "verify-timeout")
        if error != "Unhandled" or payload.get("errorType") != "Sandbox.Timedout":
            problems.append(f"timeout: {error} {payload}")
        error, payload = invoke({}, "verify-old")
        refused = "verify-old: cannot run nodejs20.x: this emulator runs nodejs22.x functions only"
        if error != "Unhandled" or payload != {"errorType": RUNTIME_UNAVAILABLE, "errorMessage": refused}:
            problems.append(f"another runtime: {error} {payload}")
    checked = "result, environment, SDK, error and timeout as Lambda's; Node.js 22 for nodejs22.x, another runtime refused"
    return not problems, "; ".join(problems) or checked
