"""
The compatibility patches the order workflow's end-to-end test needs on moto 5.2.1.

Each module covers one upstream gap and exposes:

- GAP:     what moto lacks, in one sentence, naming where in moto's source it is;
- apply(): changes the running moto (only ever called by emulator/moto/launcher.py);
- probe(): checks the gap against *unpatched* moto (emulator/moto/probes.py runs every
           probe in a process where apply() was never called) and returns
           (gap_still_there, detail). When a probe answers False the patch can be deleted,
           and the project's test says so.

No patch changes how moto's ASL interpreter evaluates a state machine: the point of the
emulator is a second, independent interpreter (see emulator/README.md).
"""
from . import (
    dynamodb_serialized_writes,
    events_stepfunctions_targets,
    lambda_node_runtime,
    sfn_list_state_machine_versions,
    sfn_second_execution,
    sfn_validate_state_machine_definition,
    sfn_versions_and_aliases,
)

PATCHES = {
    "sfn_validate_state_machine_definition": sfn_validate_state_machine_definition,
    "sfn_list_state_machine_versions": sfn_list_state_machine_versions,
    "sfn_second_execution": sfn_second_execution,
    "sfn_versions_and_aliases": sfn_versions_and_aliases,
    "lambda_node_runtime": lambda_node_runtime,
    "events_stepfunctions_targets": events_stepfunctions_targets,
    "dynamodb_serialized_writes": dynamodb_serialized_writes,
}


def apply_all(settings):
    for module in PATCHES.values():
        module.apply(settings)
