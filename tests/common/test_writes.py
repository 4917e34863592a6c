import pytest

from pishkhan.accounts.models import User
from pishkhan.common.errors import ConflictError
from pishkhan.common.writes import insert_or_conflict


@pytest.mark.django_db
def test_a_key_taken_since_the_check_is_a_conflict_and_the_transaction_goes_on():
    insert_or_conflict(User(username="first"), message="taken", field="username")

    with pytest.raises(ConflictError) as error:
        insert_or_conflict(User(username="first"), message="taken", field="username")

    assert error.value.fields == {"username": ["taken"]}
    insert_or_conflict(User(username="second"), message="taken")  # the savepoint kept the transaction usable
    assert User.objects.filter(username__in=["first", "second"]).count() == 2
