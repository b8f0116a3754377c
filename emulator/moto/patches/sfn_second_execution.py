"""
A second StartExecution of a state machine fails while (or after) the first one runs.

moto/stepfunctions/parser/models.py start_execution deep-copies the state machine so the
execution keeps the definition it started with. The copy takes everything the machine
refers to: its list of executions (whose worker threads hold locks that cannot be copied:
"cannot pickle '_thread.lock' object") and its backend, with every other state machine.

The patch gives StateMachine a __deepcopy__ that copies the definition and configuration
as before, shares the backend and leaves the copy's executions empty: an execution never
reads its machine's other executions. Interpreter semantics are untouched.
"""
import copy
import json

GAP = "StartExecution deep-copies the state machine with its running executions (moto/stepfunctions/parser/models.py start_execution)"

_NOT_COPIED = {"executions": lambda value: [], "backend": lambda value: value}


def copy_without_executions(self, memo):
    """__deepcopy__ of a state machine (or one of its versions): its definition and configuration only."""
    clone = self.__class__.__new__(self.__class__)
    memo[id(self)] = clone
    for key, value in self.__dict__.items():
        keep = _NOT_COPIED.get(key)
        setattr(clone, key, keep(value) if keep else copy.deepcopy(value, memo))
    return clone


def apply(settings):
    from moto.stepfunctions.models import StateMachine

    StateMachine.__deepcopy__ = copy_without_executions


def probe():
    import time

    import boto3
    from moto import mock_aws

    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        client = boto3.client("stepfunctions", region_name="us-east-1")
        definition = {"StartAt": "Wait", "States": {"Wait": {"Type": "Wait", "Seconds": 2, "End": True}}}
        arn = client.create_state_machine(
            name="probe", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/probe"
        )["stateMachineArn"]
        first = client.start_execution(stateMachineArn=arn, name="first", input="{}")["executionArn"]
        # The gap shows once the first execution's worker is inside its Wait state.
        for _ in range(100):
            events = client.get_execution_history(executionArn=first)["events"]
            if any(event["type"] == "WaitStateEntered" for event in events):
                break
            time.sleep(0.02)
        try:
            client.start_execution(stateMachineArn=arn, name="second", input="{}")
        except Exception as error:
            return True, f"second StartExecution: {type(error).__name__}: {str(error)[:200]}"
        finally:
            time.sleep(2.2)  # lets the first execution end before the mock goes away
        return False, "a second StartExecution succeeds"
