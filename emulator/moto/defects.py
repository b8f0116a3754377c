"""
Known defects of moto's ASL interpreter that the project records but does not patch
(emulator/known-defects.ts): a patched interpreter would no longer be an independent
second opinion on the workflow definition. Each probe runs the defect on moto as
installed and returns (defect_still_there, detail), like the patches' probes.
"""
import json
import time


def _run(definition, execution_input):
    """Runs a definition on unpatched moto; returns the execution's description."""
    import boto3
    from moto import mock_aws

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name="us-east-1")
        arn = client.create_state_machine(
            name="probe", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/probe"
        )["stateMachineArn"]
        execution = client.start_execution(stateMachineArn=arn, name="probe", input=json.dumps(execution_input))
        for _ in range(100):
            described = client.describe_execution(executionArn=execution["executionArn"])
            if described["status"] != "RUNNING":
                return described
            time.sleep(0.05)
        return described


def format_escaped_braces():
    # ASL text: States.Format('\{"k":"{}"\}', $.v); AWS returns {"k":"x"}.
    described = _run(
        {
            "StartAt": "Format",
            "States": {
                "Format": {"Type": "Pass", "Parameters": {"text.$": "States.Format('\\{\"k\":\"{}\"\\}', $.v)"}, "End": True}
            },
        },
        {"v": "x"},
    )
    if described["status"] == "SUCCEEDED" and json.loads(described["output"]) == {"text": '{"k":"x"}'}:
        return False, "States.Format returns the documented text"
    return True, f"{described['status']} {described.get('error', '')} {described.get('cause', described.get('output', ''))}"[:200]


def states_all_catches_runtime():
    # A Task whose Parameters fail at run time (an intrinsic on a string that is no JSON), with
    # a Catch on States.ALL. AWS documents that States.ALL does not catch States.Runtime: the
    # execution fails with it.
    described = _run(
        {
            "StartAt": "Call",
            "States": {
                "Call": {
                    "Type": "Task",
                    "Resource": "arn:aws:states:::lambda:invoke",
                    "Parameters": {"FunctionName": "probe", "Payload": {"v.$": "States.StringToJson($.text)"}},
                    "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                    "End": True,
                },
                "Caught": {"Type": "Pass", "End": True},
            },
        },
        {"text": "{no json"},
    )
    if described["status"] == "FAILED" and described.get("error") == "States.Runtime":
        return False, "the execution fails with States.Runtime, as documented"
    return True, f"{described['status']} {described.get('error', '')}: the States.Runtime error was caught"


DEFECTS = {
    "format_escaped_braces": (
        "States.Format keeps the backslash of an escaped brace and formats with Python's str.format",
        format_escaped_braces,
    ),
    "states_all_catches_runtime": (
        "a Catch on States.ALL catches States.Runtime, which AWS documents it does not",
        states_all_catches_runtime,
    ),
}
