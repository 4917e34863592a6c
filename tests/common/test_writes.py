import contextlib
import threading
import time

import pytest

from pishkhan.accounts.models import User
from pishkhan.common.errors import ConflictError
from pishkhan.common.writes import _file_lock, insert_or_conflict, writer_turn


@pytest.mark.django_db
def test_a_key_taken_since_the_check_is_a_conflict_and_the_transaction_goes_on():
    insert_or_conflict(User(username="first"), message="taken", field="username")

    with pytest.raises(ConflictError) as error:
        insert_or_conflict(User(username="first"), message="taken", field="username")

    assert error.value.fields == {"username": ["taken"]}
    insert_or_conflict(User(username="second"), message="taken")  # the savepoint kept the transaction usable
    assert User.objects.filter(username__in=["first", "second"]).count() == 2


def test_writers_take_turns_on_the_lock_file(tmp_path):
    """A second writer waits until the first lets go, then goes (SQLite's writers, ``writer_turn``)."""
    path = str(tmp_path / "db.sqlite3.writer")
    order: list[str] = []
    first_in, second_tried = threading.Event(), threading.Event()

    def second() -> None:
        first_in.wait()
        second_tried.set()
        with _file_lock(path):
            order.append("second")

    waiting = threading.Thread(target=second)
    waiting.start()
    with _file_lock(path):
        first_in.set()
        second_tried.wait()
        time.sleep(0.2)  # the second is blocked meanwhile, not done
        order.append("first")
    waiting.join(timeout=5)

    assert order == ["first", "second"]


def test_in_memory_sqlite_and_postgresql_need_no_turns():
    assert isinstance(writer_turn(), contextlib.nullcontext)
