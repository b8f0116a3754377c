"""
EventBridge does not deliver events to Step Functions targets.

moto/events/models.py Rule.send_to_targets supports log groups, archives, SQS, event buses
and API destinations; a state machine target ends in `NotImplementedError`, so PutEvents
answers HTTP 500 for any event that matches a rule with such a target.

The patch delivers to state machine targets as EventBridge does, from moto's own stored
rule and target (nothing is copied from the project): only for an ENABLED rule whose
pattern matches (moto's own pattern matcher), with the target's input mapping applied:
`Input` as given, `InputPath` (JSONPath) or `InputTransformer` (as EventBridge documents
it; see transform()), else the whole event; then StartExecution with a generated name. An execution
that cannot start goes, with the event, to the target's dead-letter queue when it has one.
Other targets still go through moto's own code.
"""
import copy
import datetime
import json
import logging
import re
import uuid

GAP = "EventBridge PutEvents cannot deliver to a Step Functions target (moto/events/models.py Rule.send_to_targets)"

LOG = logging.getLogger("emulator.events")


def _is_state_machine(arn):
    parts = arn.split(":")
    return len(parts) >= 7 and parts[2] == "states" and parts[5] == "stateMachine"


def _as_delivered(event):
    """The event as EventBridge hands it to a target: ISO time, no moto-internal fields."""
    delivered = {key: value for key, value in event.items() if key != "ingestion-time"}
    if isinstance(delivered.get("time"), (int, float)):
        delivered["time"] = datetime.datetime.fromtimestamp(delivered["time"], tz=datetime.timezone.utc).strftime(
            "%Y-%m-%dT%H:%M:%SZ"
        )
    return delivered


_PLACEHOLDER = re.compile(r"<([A-Za-z0-9_.-]+)>")


def transform(transformer, event, rule):
    """
    An InputTransformer as EventBridge documents it (user guide, "Amazon EventBridge input
    transformation"): each <name> of InputPathsMap, or a reserved aws.events.* variable,
    replaced in InputTemplate. In a JSON template a value outside quotes goes in as JSON (a
    string gets its quotes: `{"who": <user>}` gives `{"who": "u-1"}`), inside a JSON string as
    its bare text, unescaped. moto's own EventTemplateParser (used for its SQS and log targets)
    inserts strings without quotes, which breaks such templates: not used here.
    """
    from jsonpath_ng.ext import parse

    values = {}
    for name, path in (transformer.get("InputPathsMap") or {}).items():
        matches = parse(path).find(event)
        if matches:  # a path that is not in the event makes no variable
            values[name] = matches[0].value
    values.update(
        {
            "aws.events.rule-arn": rule.arn,
            "aws.events.rule-name": rule.name,
            "aws.events.event.ingestion-time": event.get("time"),
            "aws.events.event": {key: value for key, value in event.items() if key != "detail"},
            "aws.events.event.json": event,
        }
    )
    template = transformer.get("InputTemplate") or ""
    is_json = template.lstrip().startswith(("{", "["))
    out, in_string, i = [], False, 0
    while i < len(template):
        char = template[i]
        if char == "\\" and in_string:
            out.append(template[i : i + 2])
            i += 2
            continue
        if char == '"':
            in_string = not in_string
        placeholder = _PLACEHOLDER.match(template, i) if char == "<" else None
        if placeholder and placeholder.group(1) in values:
            value = values[placeholder.group(1)]
            if is_json and not in_string:
                out.append(json.dumps(value))
            else:
                out.append(value if isinstance(value, str) else json.dumps(value))
            i = placeholder.end()
            continue
        out.append(char)
        i += 1
    return "".join(out)


def target_input(target, event, rule):
    """The execution input for one target: its Input, InputPath or InputTransformer, as stored by moto."""
    from jsonpath_ng.ext import parse

    delivered = _as_delivered(event)
    if target.get("Input") is not None:
        return target["Input"]
    if target.get("InputPath"):
        matches = parse(target["InputPath"]).find(delivered)
        return json.dumps(matches[0].value if matches else None)
    if target.get("InputTransformer"):
        return transform(target["InputTransformer"], delivered, rule)
    return json.dumps(delivered)


def _start(rule, target, event):
    from moto.sqs import sqs_backends
    from moto.stepfunctions.responses import get_backend

    arn = target["Arn"]
    _, partition, _, region, account, _, _ = arn.split(":")[:7]
    try:
        execution_input = target_input(target, event, rule)
        get_backend(account, region).start_execution(arn, str(uuid.uuid4()), execution_input)
    except Exception as error:  # EventBridge retries, then dead-letters; here: dead-letter at once
        LOG.warning("rule %s could not start %s: %s", rule.name, arn, error)
        queue_arn = (target.get("DeadLetterConfig") or {}).get("Arn")
        if queue_arn:
            queue = queue_arn.split(":")
            sqs_backends[queue[4]][queue[3]].send_message(
                queue_name=queue[5], message_body=json.dumps(_as_delivered(event))
            )


def apply(settings):
    from moto.events.models import Rule

    original = Rule.send_to_targets

    def send_to_targets(self, original_event, transform_input=True):
        machines = [target for target in self.targets if _is_state_machine(target["Arn"])]
        others = [target for target in self.targets if not _is_state_machine(target["Arn"])]
        if machines and self.state == "ENABLED" and self.event_pattern.matches_event(original_event):
            for target in machines:
                _start(self, target, original_event)
        if others:
            # moto's own delivery for the other targets, on a copy: the stored rule is not touched
            rule = copy.copy(self)
            rule.targets = others
            original(rule, original_event, transform_input)

    Rule.send_to_targets = send_to_targets


def probe():
    import time

    import boto3
    from moto import mock_aws

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        events = boto3.client("events", region_name="us-east-1")
        machine = sfn.create_state_machine(
            name="probe",
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn="arn:aws:iam::123456789012:role/probe",
        )["stateMachineArn"]
        events.put_rule(Name="probe", EventPattern=json.dumps({"source": ["probe"]}))
        events.put_targets(Rule="probe", Targets=[{"Id": "machine", "Arn": machine, "InputPath": "$.detail"}])
        try:
            events.put_events(Entries=[{"Source": "probe", "DetailType": "probe", "Detail": "{}"}])
        except Exception as error:
            return True, f"PutEvents: {type(error).__name__}: {str(error)[:200]}"
        time.sleep(0.5)
        started = sfn.list_executions(stateMachineArn=machine)["executions"]
        if started:
            return False, "PutEvents started an execution"
        return True, "PutEvents started no execution"


def verify():
    """With the patch applied: the input mappings, the pattern and the rule's state are honoured."""
    import time

    import boto3
    from moto import mock_aws

    problems = []
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name="us-east-1")
        events = boto3.client("events", region_name="us-east-1")
        definition = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})
        machines = {
            name: sfn.create_state_machine(name=name, definition=definition, roleArn="arn:aws:iam::123456789012:role/verify")[
                "stateMachineArn"
            ]
            for name in ("path", "transformer", "whole", "disabled")
        }
        events.put_rule(Name="orders", EventPattern=json.dumps({"source": ["orders"], "detail-type": ["Order Submitted"]}))
        events.put_targets(
            Rule="orders",
            Targets=[
                {"Id": "path", "Arn": machines["path"], "InputPath": "$.detail"},
                {
                    "Id": "transformer",
                    "Arn": machines["transformer"],
                    "InputTransformer": {
                        "InputPathsMap": {"user": "$.detail.userId"},
                        "InputTemplate": '{"who": <user>, "kind": "order of <user>", "rule": <aws.events.rule-name>}',
                    },
                },
                {"Id": "whole", "Arn": machines["whole"]},
            ],
        )
        events.put_rule(Name="off", EventPattern=json.dumps({"source": ["orders"]}), State="DISABLED")
        events.put_targets(Rule="off", Targets=[{"Id": "disabled", "Arn": machines["disabled"]}])
        detail = {"userId": "u-1", "orderData": {"items": []}}
        events.put_events(Entries=[{"Source": "orders", "DetailType": "Order Submitted", "Detail": json.dumps(detail)}])
        events.put_events(Entries=[{"Source": "orders", "DetailType": "Something Else", "Detail": json.dumps(detail)}])
        time.sleep(0.3)

        def inputs(name):
            listed = sfn.list_executions(stateMachineArn=machines[name])["executions"]
            return [json.loads(sfn.describe_execution(executionArn=e["executionArn"])["input"]) for e in listed]

        if inputs("path") != [detail]:
            problems.append(f"InputPath: {inputs('path')}")
        if inputs("transformer") != [{"who": "u-1", "kind": "order of u-1", "rule": "orders"}]:
            problems.append(f"InputTransformer: {inputs('transformer')}")
        whole = inputs("whole")
        if len(whole) != 1 or whole[0].get("detail") != detail or not str(whole[0].get("time", "")).endswith("Z"):
            problems.append(f"whole event: {whole}")
        if inputs("disabled"):
            problems.append("a DISABLED rule delivered")
    return not problems, "; ".join(problems) or "InputPath, InputTransformer, whole event; pattern and rule state honoured"
