"""S3 calls against the local AWS emulator (moto_server) for the S3 backend test, with boto3.

  python3 s3_emulator.py create-bucket ENDPOINT BUCKET
  python3 s3_emulator.py list ENDPOINT BUCKET     one JSON line: {"keys": [...], "locks": {key: lock info}}
  python3 s3_emulator.py watch ENDPOINT BUCKET    the same line again each time the listing changes,
                                                  until stdin closes (so it never outlives the test)

The lock info is the body of each `*.tflock` object: the JSON Terraform writes when it
takes the lock (ID, Operation, Path, Who, ...).
"""
import json
import sys
import threading
import time

import boto3


def client(endpoint):
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="emulator-dummy",
        aws_secret_access_key="emulator-dummy",
    )


def listing(s3, bucket):
    keys = sorted(obj["Key"] for obj in s3.list_objects_v2(Bucket=bucket).get("Contents", []))
    locks = {}
    for key in keys:
        if key.endswith(".tflock"):
            try:
                locks[key] = json.loads(s3.get_object(Bucket=bucket, Key=key)["Body"].read())
            except Exception as error:  # released between the listing and the read
                locks[key] = {"unreadable": str(error)}
    return {"keys": keys, "locks": locks}


def watch(s3, bucket):
    stdin_closed = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.read(), stdin_closed.set()), daemon=True).start()
    last = None
    while not stdin_closed.is_set():
        now = listing(s3, bucket)
        if now != last:
            print(json.dumps({"at": time.time() * 1000, **now}), flush=True)
            last = now
        time.sleep(0.05)


def main():
    command, endpoint, bucket = sys.argv[1:4]
    s3 = client(endpoint)
    if command == "create-bucket":
        s3.create_bucket(Bucket=bucket)
    elif command == "list":
        print(json.dumps(listing(s3, bucket)))
    elif command == "watch":
        watch(s3, bucket)
    else:
        sys.exit(f"unknown command {command}")


if __name__ == "__main__":
    main()
