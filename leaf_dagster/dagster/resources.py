"""``MongoResource``: how every Dagster asset, check and op reaches MongoDB."""

from __future__ import annotations

import os
import threading
from typing import Any

import dagster as dg
from pydantic import Field
from pymongo import MongoClient
from pymongo.database import Database

from leaf_dagster.connection import DEFAULT_DB, ENV_URI, Document, connect, redact_uri

# Clients are per process (keyed by pid, so a forked worker never reuses its parent's sockets)
# and never part of the resource's state: the resource stays a small picklable config object.
_clients: dict[tuple[int, str, int], MongoClient[Document]] = {}
_clients_lock = threading.Lock()


class MongoResource(dg.ConfigurableResource):
    """A MongoDB connection, configured by URI and database.

    Typical use: ``MongoResource(uri=dg.EnvVar("LEAF_MONGODB_URI"), database="leaf")``. The URI is
    never logged; :attr:`redacted_uri` is what shows in metadata.
    """

    uri: str = Field(description=f"MongoDB connection string, usually EnvVar('{ENV_URI}').")
    database: str = Field(default=DEFAULT_DB, description="Database holding the collections.")
    timeout_ms: int = Field(default=10_000, description="Server selection and connect timeout.")

    @property
    def redacted_uri(self) -> str:
        return redact_uri(self.uri)

    def get_client(self) -> MongoClient[Document]:
        key = (os.getpid(), self.uri, self.timeout_ms)
        with _clients_lock:
            client = _clients.get(key)
            if client is None:
                client = connect(self.uri, timeout_ms=self.timeout_ms, ping=False)
                _clients[key] = client
            return client

    def get_database(self) -> Database[Document]:
        return self.get_client()[self.database]

    def __reduce__(self) -> tuple[Any, ...]:
        # Dagster's own state of a configurable resource (its config schema) does not unpickle in
        # 1.13; the fields are all there is to this resource, an EnvVar URI staying the variable's name.
        return (_rebuild, (type(self), {name: getattr(self, name) for name in type(self).model_fields}))


def _rebuild(cls: type[MongoResource], fields: dict[str, Any]) -> MongoResource:
    return cls(**fields)
