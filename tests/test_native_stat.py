"""The parse stage's file stat in C (orchestration/corpus/native_stat.c) is built, and
gives what os.stat gives: the same sizes, modification and status change times, the same errors."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest

from orchestration.corpus import listing, native_stat
from orchestration.corpus.listing import _os_sizes_and_times, raw_listing

# The C function itself (a test above checks the run uses it), held to os.stat's answers.
sizes_and_times = native_stat.sizes_and_times


def test_the_native_stat_is_the_one_used():
    if os.environ.get("OGI_PURE_PYTHON") == "1":
        assert not listing.NATIVE_STAT and listing._stat_all is _os_sizes_and_times
        return
    assert listing.NATIVE_STAT, "orchestration/corpus/native_stat.c is not built: `pip install -e .` builds it"
    assert listing._stat_all is sizes_and_times


def _tree(root: Path) -> list[str]:
    """Files of distinct sizes and times: nested, linked, named in bytes that are not UTF-8."""
    (root / "a" / "b").mkdir(parents=True)
    (root / "z").mkdir()
    files = {"top.txt": 0, "a/one.html": 17, "a/b/two.pdf": 4096, "z/报告.txt": 1234}
    for number, (name, size) in enumerate(files.items()):
        (root / name).write_bytes(b"x" * size)
        os.utime(root / name, ns=(1_600_000_000_123_456_789 + number, 1_500_000_000_987_654_321 + 7_919 * number))
    os.utime(root / "top.txt", ns=(0, -86_400_000_000_001))  # before 1970: a negative mtime_ns
    (root / "a" / "link.txt").symlink_to("b/two.pdf")  # followed, as os.stat does
    (root / "linked").symlink_to("a", target_is_directory=True)
    gbk = os.fsdecode(b"z/" + "年报".encode("gbk") + b".txt")  # surrogate escapes, as the walk yields them
    Path(root, gbk).write_bytes(b"y" * 99)
    return [*files, "a/link.txt", "linked/b/two.pdf", gbk]


def test_the_same_sizes_and_times_as_os_stat(tmp_path):
    names = _tree(tmp_path)
    sizes, mtimes, ctimes = sizes_and_times(str(tmp_path), names)
    assert (sizes, mtimes, ctimes) == _os_sizes_and_times(str(tmp_path), names)
    assert sizes == [0, 17, 4096, 1234, 4096, 4096, 99]
    assert mtimes[:4] == [-86_400_000_000_001, 1_500_000_000_987_662_240, 1_500_000_000_987_670_159,
                          1_500_000_000_987_678_078]
    # The status change times are the kernel's (the utime calls set them to now), not the times set;
    # a link's is its target's, as os.stat follows it.
    assert ctimes[:4] == [(tmp_path / name).stat().st_ctime_ns for name in names[:4]]
    assert all(ctime > 1_600_000_000 * 10**9 for ctime in ctimes) and ctimes[4] == ctimes[2]
    assert sizes_and_times(str(tmp_path), []) == ([], [], [])
    assert sizes_and_times(str(tmp_path / "gone"), []) == ([], [], [])  # no file, nothing stat-ed


def test_a_whole_raw_listing_as_os_stat(tmp_path):
    root = tmp_path / "raw"
    for folder in range(3):
        for number in range(50):
            path = root / f"f{folder}" / f"{number:03}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(b"z" * (folder * 1000 + number))
    names = raw_listing(root).names
    assert len(names) == 150
    assert sizes_and_times(str(root), names) == _os_sizes_and_times(str(root), names)


def _error(function, root: Path, names: list[str]) -> OSError:
    with pytest.raises(OSError) as raised:
        function(str(root), names)
    return raised.value


@pytest.mark.parametrize(("case", "code"), [
    ("missing file", errno.ENOENT),
    ("through a file", errno.ENOTDIR),
    ("dangling link", errno.ENOENT),
    ("missing root", errno.ENOENT),
])
def test_the_same_errors_as_os_stat(tmp_path, case, code):
    _tree(tmp_path)
    (tmp_path / "dangling").symlink_to("nowhere")
    root, bad = {
        "missing file": (tmp_path, "a/gone.txt"),
        "through a file": (tmp_path, "top.txt/inside"),
        "dangling link": (tmp_path, "dangling"),
        "missing root": (tmp_path / "gone", "a/one.html"),
    }[case]
    names = ["a/one.html", bad, "z/报告.txt"] if case != "missing root" else [bad]
    ours, theirs = _error(sizes_and_times, root, names), _error(_os_sizes_and_times, root, names)
    assert type(ours) is type(theirs)
    assert (ours.errno, ours.strerror, ours.filename) == (theirs.errno, theirs.strerror, theirs.filename)
    assert ours.errno == code and ours.filename == f"{root}/{bad}"


def test_a_nul_byte_is_refused_as_os_stat_refuses_it(tmp_path):
    _tree(tmp_path)
    for root, names in ((str(tmp_path), ["top.txt\0ignored"]), (f"{tmp_path}\0", ["top.txt"])):
        with pytest.raises(ValueError, match="embedded null byte"):
            sizes_and_times(root, names)
        with pytest.raises(ValueError, match="embedded null byte"):
            _os_sizes_and_times(root, names)


def test_names_must_be_a_list_of_str(tmp_path):
    with pytest.raises(TypeError):
        sizes_and_times(str(tmp_path), [b"top.txt"])
    with pytest.raises(TypeError):
        sizes_and_times(str(tmp_path), ("top.txt",))


def test_a_stamp_holds_the_size_and_both_times():
    from orchestration.corpus.listing import UNREADABLE_MTIME, file_stamp, unstamp

    cases = [(0, 0, 0), (4096, -86_400_000_000_001, 1_700_000_000_123_456_789), (2**62, UNREADABLE_MTIME, UNREADABLE_MTIME),
             (17, 2**63 - 1, 2**63 - 1), (17, -(2**63), 5)]
    assert [unstamp(file_stamp(*case)) for case in cases] == cases
    assert len({file_stamp(17, 1000, 2000), file_stamp(17, 1000, 2001), file_stamp(17, 1001, 2000),
                file_stamp(18, 1000, 2000)}) == 4
