"""The transactional outbox: change events committed with the change they describe."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, LargeBinary, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from .item import utcnow

SUBJECT_MAX = 255


class OutboxEvent(Base):
    """One event waiting for (or done with) its publication to JetStream.

    `seq` orders the events as their transactions wrote them; `id` is the event id, which
    JetStream de-duplicates on (`Nats-Msg-Id`) and consumers are idempotent by.
    """

    __tablename__ = "outbox"

    # SQLite numbers only an INTEGER primary key by itself.
    seq: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    id: Mapped[uuid.UUID] = mapped_column(Uuid, unique=True)
    subject: Mapped[str] = mapped_column(String(SUBJECT_MAX))
    payload: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # Set once JetStream has acknowledged the event; unset rows are the relay's work.
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), index=True)
