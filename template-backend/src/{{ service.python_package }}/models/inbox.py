"""The inbox: the events each consumer has processed, so a redelivery is processed once."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import DateTime, String, Uuid
from sqlalchemy.orm import Mapped, mapped_column

from ..db.base import Base
from .item import utcnow

CONSUMER_MAX = 255


class InboxEvent(Base):
    __tablename__ = "inbox"

    # The durable consumer's name: two consumers of one event each process it once.
    consumer: Mapped[str] = mapped_column(String(CONSUMER_MAX), primary_key=True)
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    processed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
