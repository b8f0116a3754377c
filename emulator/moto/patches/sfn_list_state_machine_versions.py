"""
ListStateMachineVersions is not implemented (moto/stepfunctions/responses.py has no
list_state_machine_versions), although moto keeps the versions a `publish` creates.

The AWS provider calls it after creating an aws_sfn_state_machine (to find the version it
may have published) and retries the 500 for minutes. The patch lists the versions moto
already stores, newest first, as AWS does.
"""
import json

GAP = "Step Functions ListStateMachineVersions is not implemented (moto/stepfunctions/responses.py)"


def apply(settings):
    from moto.core.responses import ActionResult
    from moto.stepfunctions.responses import StepFunctionResponse

    def list_state_machine_versions(self):
        arn = self._get_param("stateMachineArn")
        state_machine = self.stepfunction_backend.describe_state_machine(arn)
        versions = sorted(getattr(state_machine, "versions", {}).values(), key=lambda v: v.version, reverse=True)
        return ActionResult(
            {
                "stateMachineVersions": [
                    {"stateMachineVersionArn": version.arn, "creationDate": version.creation_date}
                    for version in versions
                ]
            }
        )

    StepFunctionResponse.list_state_machine_versions = list_state_machine_versions


def probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("stepfunctions", region_name="us-east-1")
        arn = client.create_state_machine(
            name="probe",
            definition=json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}),
            roleArn="arn:aws:iam::123456789012:role/probe",
        )["stateMachineArn"]
        try:
            client.list_state_machine_versions(stateMachineArn=arn)
        except NotImplementedError as error:
            return True, f"NotImplementedError: {error}"
        except Exception as error:
            return False, f"answered {type(error).__name__}: {error}"
        return False, "answered"
