"""An S3-compatible server on loopback (moto's server mode) and the storage settings to use it.

The server runs in a thread of the test process; gunicorn processes started by a test reach it
over loopback like any S3 endpoint. Credentials are fake, the bucket is created per test.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest

from collectguard.settings import s3_storage

FAKE_KEY_ID = "AKIAFAKEFAKEFAKE0000"
FAKE_SECRET = "fake-secret-for-a-local-moto-server"
REGION = "us-east-1"


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    try:
        yield f"http://{host}:{port}"
    finally:
        server.stop()


@pytest.fixture
def bucket(s3_endpoint: str) -> str:
    """A new, empty, private bucket on the local server."""
    name = f"cg-test-{uuid.uuid4().hex[:12]}"
    s3_client(s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def s3_settings(settings: Any, _storage_in_tmp: None, s3_endpoint: str, bucket: str) -> str:
    """Evidence storage switched to the bucket, with the options production uses."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            bucket,
            endpoint_url=s3_endpoint,
            region_name=REGION,
            access_key=FAKE_KEY_ID,
            secret_key=FAKE_SECRET,
        ),
    }
    return bucket


def s3_client(endpoint: str) -> Any:
    return boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name=REGION,
        aws_access_key_id=FAKE_KEY_ID,
        aws_secret_access_key=FAKE_SECRET,
    )


def bucket_keys(endpoint: str, bucket: str) -> set[str]:
    pages = s3_client(endpoint).get_paginator("list_objects_v2").paginate(Bucket=bucket)
    return {item["Key"] for page in pages for item in page.get("Contents", [])}


def object_sha256(endpoint: str, bucket: str, key: str) -> str:
    body = s3_client(endpoint).get_object(Bucket=bucket, Key=key)["Body"].read()
    return hashlib.sha256(body).hexdigest()
