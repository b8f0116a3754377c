"""
Executions of a state machine's versions and aliases are not what AWS makes of them.

moto/stepfunctions/models.py keeps versions and aliases, but describe_state_machine (which
start_execution and list_executions go through) resolves only unqualified and version ARNs:
StartExecution on an alias ARN answers StateMachineDoesNotExist. An execution started on a
version is kept on the version object, where DescribeExecution, GetExecutionHistory and
ListExecutions of the state machine (which look on the unqualified machine) never find it;
and start_execution deep-copies the version with its running executions, the gap
sfn_second_execution covers for the unqualified machine.

The patch, as the Step Functions developer guide describes executions of versions and
aliases: StartExecution on an alias picks one of the alias's versions by its routing
weights; an execution started on a version or an alias is listed with the state machine's
executions, and ListExecutions of a version or alias ARN lists the executions started on it.
Which definition runs, and how, is moto's own interpreter, untouched.
"""
import json
import random

from .sfn_second_execution import copy_without_executions

GAP = "StartExecution on a state machine alias ARN fails, and executions of versions are not listed with the machine (moto/stepfunctions/models.py describe_state_machine)"


def _split_qualified(backend, arn):
    """(unqualified machine, qualifier) for a version or alias ARN of a known machine, else (None, None)."""
    parts = arn.split(":")
    if len(parts) != 8:
        return None, None
    base_arn = ":".join(parts[:7])
    machine = next((m for m in backend.state_machines if m.arn == base_arn), None)
    return (machine, parts[7]) if machine else (None, None)


def apply(settings):
    from moto.core.responses import ActionResult
    from moto.stepfunctions.models import StateMachine, StateMachineVersion, StepFunctionBackend
    from moto.stepfunctions.parser.models import StepFunctionsParserBackend
    from moto.stepfunctions.responses import StepFunctionResponse

    # The same copy sfn_second_execution gives the unqualified machine: definition and
    # configuration, not the running executions.
    StateMachineVersion.__deepcopy__ = copy_without_executions
    # Execution names are unique per state machine, whatever version ran them: the check is the
    # machine's (in start_execution below); the version only needs the method to exist.
    StateMachineVersion._handle_name_input_idempotency = lambda self, name, execution_input: None
    StateMachineVersion._validate_execution_input = StateMachine._validate_execution_input
    StateMachineVersion.start_execution = StateMachine.start_execution

    def qualified_start(original_start):
        def start_execution(self, state_machine_arn, *args, **kwargs):
            machine, qualifier = _split_qualified(self, state_machine_arn)
            if machine is None:
                return original_start(self, state_machine_arn, *args, **kwargs)
            alias_arn = None
            version_arn = state_machine_arn
            if not qualifier.isdigit():
                alias = machine.aliases.get(qualifier)
                if alias is None:
                    from moto.stepfunctions.exceptions import ResourceNotFound

                    raise ResourceNotFound(f"State Machine Alias Does Not Exist: '{state_machine_arn}'")
                routes = alias.routing_configuration
                alias_arn = state_machine_arn
                version_arn = random.choices(
                    [route["stateMachineVersionArn"] for route in routes], [int(route["weight"]) for route in routes]
                )[0]
            name, execution_input = (list(args) + [None, None])[:2]
            existing = machine._handle_name_input_idempotency(name, execution_input)
            if existing is not None:
                return existing
            execution = original_start(self, version_arn, *args, **kwargs)
            version = machine.versions[int(version_arn.rsplit(":", 1)[1])]
            if execution in version.executions:
                version.executions.remove(execution)
                machine.executions.append(execution)
            execution.started_on_version_arn = version_arn
            execution.started_on_alias_arn = alias_arn
            return execution

        return start_execution

    # The interpreting backend (execute_state_machine) overrides start_execution: both are wrapped.
    for backend_class in (StepFunctionBackend, StepFunctionsParserBackend):
        backend_class.start_execution = qualified_start(backend_class.__dict__["start_execution"])

    original_list = StepFunctionResponse.list_executions

    def list_executions(self):
        arn = self._get_param("stateMachineArn")
        machine, qualifier = _split_qualified(self.stepfunction_backend, arn)
        if machine is None:
            return original_list(self)
        status_filter = self._get_param("statusFilter")
        started_on = "started_on_version_arn" if qualifier.isdigit() else "started_on_alias_arn"
        executions = [
            execution
            for execution in machine.executions
            if getattr(execution, started_on, None) == arn and (not status_filter or execution.status == status_filter)
        ]
        listed = []
        for execution in sorted(executions, key=lambda e: e.start_date, reverse=True):
            item = {
                "executionArn": execution.execution_arn,
                "name": execution.name,
                "startDate": execution.start_date,
                "stateMachineArn": machine.arn,
                "status": execution.status,
                "stateMachineVersionArn": execution.started_on_version_arn,
            }
            if execution.started_on_alias_arn:
                item["stateMachineAliasArn"] = execution.started_on_alias_arn
            if execution.status in ("SUCCEEDED", "FAILED", "ABORTED", "TIMED_OUT"):
                item["stopDate"] = execution.stop_date
            listed.append(item)
        return ActionResult({"executions": listed})

    StepFunctionResponse.list_executions = list_executions


def probe():
    import boto3
    from moto import mock_aws

    # As the emulator runs: executions interpreted.
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name="us-east-1")
        created = client.create_state_machine(
            name="probe",
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn="arn:aws:iam::123456789012:role/probe",
            publish=True,
        )
        alias = client.create_state_machine_alias(
            name="live",
            routingConfiguration=[{"stateMachineVersionArn": created["stateMachineVersionArn"], "weight": 100}],
        )["stateMachineAliasArn"]
        try:
            client.start_execution(stateMachineArn=alias, name="on-alias", input="{}")
        except Exception as error:
            return True, f"StartExecution on an alias: {type(error).__name__}: {str(error)[:200]}"
        listed = client.list_executions(stateMachineArn=created["stateMachineArn"])["executions"]
        if not listed:
            return True, "an execution started on an alias is not listed with its state machine"
        return False, "StartExecution on an alias works and the execution is listed"


def verify():
    """With the patch applied: an alias shares executions by its weights, each version runs its own definition."""
    import time

    import boto3
    from moto import mock_aws

    problems = []
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name="us-east-1")

        def definition(result):
            return json.dumps({"StartAt": "Answer", "States": {"Answer": {"Type": "Pass", "Result": result, "End": True}}})

        created = client.create_state_machine(
            name="verify", definition=definition("one"), roleArn="arn:aws:iam::123456789012:role/verify", publish=True
        )
        first = created["stateMachineVersionArn"]
        second = client.update_state_machine(
            stateMachineArn=created["stateMachineArn"], definition=definition("two"), publish=True
        )["stateMachineVersionArn"]
        alias = client.create_state_machine_alias(
            name="live",
            routingConfiguration=[{"stateMachineVersionArn": second, "weight": 50}, {"stateMachineVersionArn": first, "weight": 50}],
        )["stateMachineAliasArn"]
        started = [client.start_execution(stateMachineArn=alias, name=f"e{i}", input="{}")["executionArn"] for i in range(40)]
        pinned = client.start_execution(stateMachineArn=first, name="pinned", input="{}")["executionArn"]
        time.sleep(1)
        answers = [str(client.describe_execution(executionArn=arn).get("output")).strip('"') for arn in started]
        if not {"one", "two"} <= set(answers) or len(answers) != 40:
            problems.append(f"40 executions of a 50/50 alias answered {sorted(set(answers))}")
        if str(client.describe_execution(executionArn=pinned).get("output")).strip('"') != "one":
            problems.append("an execution of version 1 did not run version 1's definition")
        listed = {
            "machine": len(client.list_executions(stateMachineArn=created["stateMachineArn"])["executions"]),
            "alias": len(client.list_executions(stateMachineArn=alias)["executions"]),
            "version 1": len(client.list_executions(stateMachineArn=first)["executions"]),
        }
        if listed["machine"] != 41 or listed["alias"] != 40 or listed["version 1"] != answers.count("one") + 1:
            problems.append(f"ListExecutions counted {listed}")
    return not problems, "; ".join(problems) or "weighted alias routing, each version's own definition, executions listed per machine, alias and version"
