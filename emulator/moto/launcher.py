"""
python3 emulator/moto/launcher.py --port PORT --work-dir DIR [--node-runtime nodejs22.x=NODE] --node-path DIR [--record-calls FILE]

--node-runtime names the Node.js binary the functions of that runtime run on (the Lambda
patch refuses any other runtime, and every invocation without it).

Starts moto's server on 127.0.0.1 with the configuration and compatibility patches the
order workflow's end-to-end test needs, then prints one line, `READY <port>` (the port the
server really bound: with --port 0 the system picks a free one, so there is no race
between choosing a port and binding it). Started and stopped by emulator/server.ts.

It stops on SIGTERM or SIGINT, and also when its standard input closes: the parent holds
the other end, so the server never outlives the process that started it, however that
process ends (a jest timeout, kill -9).

With --record-calls FILE, every request of the AWS provider is also appended to FILE as one
JSON line (recorder.py), for the deploying identity's permission check.
"""
import argparse
import os
import signal
import socket
import sys
import threading
import warnings

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
warnings.filterwarnings("ignore")


def node_runtime_settings(argument):
    """{"node_runtime": "nodejs22.x", "node": "/path/to/node"} from "nodejs22.x=/path/to/node"; both None without one."""
    runtime, _, binary = argument.partition("=")
    return {"node_runtime": runtime or None, "node": binary or None}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--work-dir", required=True)
    parser.add_argument("--node-runtime", default="", help="RUNTIME=BINARY, e.g. nodejs22.x=/usr/bin/node")
    parser.add_argument("--node-path", default="")
    parser.add_argument("--record-calls", default="")
    args = parser.parse_args()

    # Server mode must not proxy its own calls anywhere else.
    for name in ("AWS_ENDPOINT_URL", "HTTPS_PROXY", "HTTP_PROXY", "https_proxy", "http_proxy"):
        os.environ.pop(name, None)

    from moto.core.config import default_user_config
    from werkzeug.serving import make_server

    from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

    import faults

    # Executions really run (moto's ASL interpreter); Lambda runs without Docker (see the patch).
    # Set before any request: the two settings choose which backend holds the resources.
    default_user_config["stepfunctions"]["execute_state_machine"] = True
    default_user_config["lambda"]["use_docker"] = False

    # werkzeug prints its own advice and exits when the port is taken: ask first, for one clear line.
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.bind((args.host, args.port))
    except OSError as error:
        print(f"FAILED cannot listen on {args.host}:{args.port}: {error.strerror or error}", flush=True)
        sys.exit(3)
    try:
        # faults.py answers its own path (switching test faults on and off); moto answers the rest.
        app = faults.wrap(DomainDispatcherApplication(create_backend_app))
        if args.record_calls:
            from recorder import wrap

            app = wrap(app, args.record_calls)
        server = make_server(args.host, args.port, app, threaded=True)
    except (OSError, SystemExit) as error:
        print(f"FAILED cannot listen on {args.host}:{args.port}: {getattr(error, 'strerror', None) or error}", flush=True)
        sys.exit(3)
    port = server.server_port
    # moto reads MOTO_PORT where its services call each other over HTTP.
    os.environ["MOTO_PORT"] = str(port)

    from patches import apply_all

    apply_all(
        {
            "endpoint_url": f"http://{args.host}:{port}",
            "work_dir": args.work_dir,
            **node_runtime_settings(args.node_runtime),
            "node_path": args.node_path,
        }
    )
    # Test infrastructure, not a patch: installed last, over the patches (see faults.py).
    faults.install()

    def stop(*_):
        threading.Thread(target=server.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    def watch_parent():
        sys.stdin.read()  # returns at end of file: the parent has gone
        stop()

    threading.Thread(target=watch_parent, daemon=True).start()
    print(f"READY {port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
