"""Appends from many threads at once keep one unbroken chain."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from safepassage.audit.chain import record
from safepassage.audit.models import AuditEntry
from safepassage.audit.verify import verify

THREADS, EACH = 6, 15


@pytest.mark.usefixtures("transactional_audit")
def test_concurrent_appends_keep_the_chain_whole() -> None:
    errors: list[BaseException] = []
    start = threading.Barrier(THREADS)

    def append(worker: int) -> None:
        try:
            start.wait()
            for n in range(EACH):
                record("cli", "test.concurrent", worker=worker, number=n)
        except BaseException as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=append, args=(w,)) for w in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert AuditEntry.objects.count() == THREADS * EACH
    assert verify().ok
