"""
ValidateStateMachineDefinition is not implemented (moto/stepfunctions/responses.py has no
validate_state_machine_definition; the call answers HTTP 500 NotImplementedError).

The AWS provider (>= 5.x) calls it when it plans and applies aws_sfn_state_machine, and
retries the 500 for minutes. The patch answers it with moto's own ASL parser, the one
CreateStateMachine already validates with: a definition moto cannot create is reported as
a diagnostic, exactly like AWS's answer shape ({result: OK|FAIL, diagnostics: [...]}).
"""
import json

GAP = "Step Functions ValidateStateMachineDefinition is not implemented (moto/stepfunctions/responses.py)"

_DEFINITION = json.dumps({"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}})


def apply(settings):
    from moto.core.responses import ActionResult
    from moto.stepfunctions.parser.asl.parse.asl_parser import AmazonStateLanguageParser
    from moto.stepfunctions.responses import StepFunctionResponse

    def validate_state_machine_definition(self):
        definition = self._get_param("definition")
        try:
            AmazonStateLanguageParser.parse(definition)
        except Exception as error:  # the parser raises several kinds; AWS reports them all as diagnostics
            return ActionResult(
                {
                    "result": "FAIL",
                    "diagnostics": [
                        {"severity": "ERROR", "code": "SCHEMA_VALIDATION_FAILED", "message": str(error)[:1000]}
                    ],
                    "truncated": False,
                }
            )
        return ActionResult({"result": "OK", "diagnostics": [], "truncated": False})

    StepFunctionResponse.validate_state_machine_definition = validate_state_machine_definition


def probe():
    import boto3
    from moto import mock_aws

    with mock_aws():
        client = boto3.client("stepfunctions", region_name="us-east-1")
        try:
            client.validate_state_machine_definition(definition=_DEFINITION)
        except NotImplementedError as error:
            return True, f"NotImplementedError: {error}"
        except Exception as error:  # any other answer means moto now knows the action
            return False, f"answered {type(error).__name__}: {error}"
        return False, "answered"
