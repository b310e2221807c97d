"""The throwaway PostgreSQL, NATS and Redis the higher tiers rely on really serve."""

import asyncio
import shutil

import nats as nats_client
import pytest
import redis as redis_client

from helpers import run
from services import create_database

pytestmark = pytest.mark.unit


def test_postgres_serves_a_fresh_database(postgres: str) -> None:
    url = create_database(postgres, "probe")
    psql = shutil.which("psql")
    assert psql
    out = run([psql, url, "-tAc", "select 40 + 2"]).stdout.strip()
    assert out == "42"


def test_nats_serves_jetstream(nats: str) -> None:
    """A stream takes a message, de-duplicates a second one with the same id, and a consumer
    reads it back: JetStream is on and stores."""

    async def roundtrip() -> tuple[int, bytes, bool]:
        client = await nats_client.connect(nats)
        try:
            stream = client.jetstream()
            await stream.add_stream(name="PROBE", subjects=["probe.>"])
            first = await stream.publish("probe.created", b"42", headers={"Nats-Msg-Id": "1"})
            again = await stream.publish("probe.created", b"42", headers={"Nats-Msg-Id": "1"})
            subscription = await stream.pull_subscribe("probe.>", durable="reader")
            (message,) = await subscription.fetch(1, timeout=5)
            await message.ack()
            stored = (await stream.stream_info("PROBE")).state.messages
            return stored, message.data, bool(again.duplicate) and not first.duplicate
        finally:
            await client.close()

    assert asyncio.run(roundtrip()) == (1, b"42", True)


def test_redis_serves(redis: str) -> None:
    client = redis_client.Redis.from_url(redis)
    try:
        assert client.incr("probe") == 1
        assert client.incr("probe") == 2
        assert client.config_get("bind")["bind"] == "127.0.0.1"
    finally:
        client.delete("probe")
        client.close()
