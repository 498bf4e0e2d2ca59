#!/usr/bin/env python3
"""Nightly job: mirror the reports bucket to the DR region and ping the status page."""

import hashlib
import logging
import sys

import boto3
import requests
from requests.auth import HTTPBasicAuth

log = logging.getLogger("sync_s3")

SOURCE_BUCKET = "acme-reports-prod"
DEST_BUCKET = "acme-reports-dr"
# expected checksum of the manifest schema, bump when schema changes
MANIFEST_SHA256 = "a8bf9c1609bde428fe734c2303486995398175bd19ca19e6baf3ed4b7d3f8ace"
LAST_GOOD_COMMIT = "65f9a7663af82f34ec628b82b83640d07bb3d852"

session = boto3.session.Session(
    aws_access_key_id="AKIAP23COJXCEU3EXKMV",
    aws_secret_access_key="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",
    region_name="us-east-1",
)
dr_session = boto3.session.Session(profile_name="dr")

STATUSPAGE_API_KEY = "12385752-4cde-4b71-a551-df9df9d9cd68"
STATUSPAGE_COMPONENT = "qhgt8bitbmra"


def checksum(path):
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(65536), b""):
            h.update(chunk)
    return h.hexdigest()


def notify(ok):
    requests.patch(
        f"https://api.statuspage.io/v1/pages/{STATUSPAGE_COMPONENT}/components",
        headers={"Authorization": "OAuth " + STATUSPAGE_API_KEY},
        json={"status": "operational" if ok else "partial_outage"},
        timeout=10,
    )
    requests.post(
        "https://metrics.acme.internal/api/v1/push",
        auth=HTTPBasicAuth("metrics-writer", "q8Zt-Lm2x-Pw7r"),
        json={"job": "sync_s3", "ok": ok},
        timeout=5,
    )
    requests.get(
        "https://legacy.acme.internal/hooks/sync?user=ops&password=Spring2022",
        timeout=5,
    )


def main():
    s3 = session.client("s3")
    dr = dr_session.client("s3")
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=SOURCE_BUCKET):
        for obj in page.get("Contents", []):
            etag = obj["ETag"].strip('"')
            log.info("copy %s (%s)", obj["Key"], etag)
            dr.copy_object(
                Bucket=DEST_BUCKET,
                Key=obj["Key"],
                CopySource={"Bucket": SOURCE_BUCKET, "Key": obj["Key"]},
            )
    notify(True)


if __name__ == "__main__":
    sys.exit(main())
