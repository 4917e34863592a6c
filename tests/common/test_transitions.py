import pytest

from pishkhan.common.errors import TransitionError
from pishkhan.common.transitions import TransitionTable

TABLE = TransitionTable.of("licence", {"issued": {"active", "revoked"}, "active": {"suspended"}})


@pytest.mark.parametrize(("source", "target"), TABLE.pairs())
def test_every_listed_pair_is_allowed(source, target):
    TABLE.check(source, target)


@pytest.mark.parametrize(("source", "target"), [("revoked", "active"), ("active", "issued"), ("x", "y")])
def test_unlisted_pairs_are_refused_with_a_conflict(source, target):
    with pytest.raises(TransitionError) as error:
        TABLE.check(source, target)
    assert error.value.status == 409
