"""Named random streams: stable, independent of creation order, per-entity rows."""

import numpy as np

from pharos.sim.streams import Streams, name_key, stream


def test_a_stream_does_not_depend_on_which_streams_were_made_before() -> None:
    a = Streams(7, 0)
    a.get("flows/central_med").random(5)
    first = a.get("recruitment/x").random(3)
    b = Streams(7, 0)
    assert np.array_equal(b.get("recruitment/x").random(3), first)


def test_streams_differ_by_name_replication_and_seed() -> None:
    base = stream(1, 0, "a").random(4)
    assert not np.array_equal(base, stream(1, 0, "b").random(4))
    assert not np.array_equal(base, stream(1, 1, "a").random(4))
    assert not np.array_equal(base, stream(2, 0, "a").random(4))


def test_name_key_is_stable_across_processes() -> None:
    # BLAKE2b, not Python's salted hash(): the value is fixed forever
    assert name_key("victims/nga-ita-sex") == name_key("victims/nga-ita-sex")
    assert name_key("a") != name_key("b")


def test_an_entity_row_does_not_depend_on_how_many_entities_are_drawn() -> None:
    s = Streams(3, 2)
    few = s.uniforms("victims/n", 10, 6)
    many = s.uniforms("victims/n", 5000, 6)
    assert np.array_equal(few, many[:10])
