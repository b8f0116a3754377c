"""
python3 emulator/moto/probes.py [--patched --node-runtime nodejs22.x=NODE]  ->  one JSON object on stdout:

  {"moto": "5.2.1",
   "patches": {name: {"gap": bool|null, "detail": str, "what": str, ["verified": {"ok": bool|null, "detail": str}]}},
   "defects": {name: {"present": bool|null, "detail": str, "what": str}}}

Without --patched, every probe runs against moto as installed, with no patch applied (this
process never calls apply() then): "gap": false means moto no longer has the gap and the
patch can be deleted; "present": false means moto fixed a known defect. With --patched the
patches are applied first, and every patch's probe must then answer "gap": false (the patch
covers its gap), and a patch's verify(), where it has one, checks the details it promises. null means the probe itself could not run; it is never read as "fixed".
The project's test is __tests__/emulator/known-defects.integration.test.ts.
"""
import argparse
import json
import logging
import os
import sys
import tempfile
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings("ignore")
# moto's interpreter logs every failed state at length; the probes report what they found.
logging.disable(logging.CRITICAL)
os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
for proxy in ("AWS_ENDPOINT_URL", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
    os.environ.pop(proxy, None)

import moto  # noqa: E402

from defects import DEFECTS  # noqa: E402
from launcher import node_runtime_settings  # noqa: E402
from patches import PATCHES, apply_all  # noqa: E402


def run(probe):
    try:
        return probe()
    except Exception as error:  # a probe that cannot run is reported, never read as "fixed"
        return None, f"probe failed: {type(error).__name__}: {error}"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--patched", action="store_true")
    parser.add_argument("--node-runtime", default="", help="RUNTIME=BINARY, as for launcher.py")
    parser.add_argument("--node-path", default="")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="moto-probes-") as work_dir:
        if args.patched:
            apply_all(
                {
                    "endpoint_url": "http://127.0.0.1:9",
                    "work_dir": work_dir,
                    "node_path": args.node_path,
                    **node_runtime_settings(args.node_runtime),
                }
            )
        patches = {}
        for name, module in PATCHES.items():
            gap, detail = run(module.probe)
            patches[name] = {"gap": gap, "detail": detail, "what": module.GAP}
            # With the patches applied, a patch may also check the details of what it promises.
            if args.patched and hasattr(module, "verify"):
                ok, checked = run(module.verify)
                patches[name]["verified"] = {"ok": ok, "detail": checked}
        defects = {}
        if not args.patched:
            for name, (what, probe) in DEFECTS.items():
                present, detail = run(probe)
                defects[name] = {"present": present, "detail": detail, "what": what}
    print(json.dumps({"moto": moto.__version__, "patches": patches, "defects": defects}, indent=2))


if __name__ == "__main__":
    main()
