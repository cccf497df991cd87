"""Walking a folder never follows a loop, never opens what is not a regular file, and names what it skips."""

import os
import socket

from typer.testing import CliRunner

import evimap
from evimap.cli import app
from evimap.corpus import printable_path, walk_inputs


def _folder(tmp_path):
    docs = tmp_path / "docs"
    (docs / "sub").mkdir(parents=True)
    (docs / "good.txt").write_text("1. Member States agreed to strengthen migration data.\n", encoding="utf-8")
    (docs / "sub" / "more.txt").write_text("2. Remittances lower poverty in origin countries.\n", encoding="utf-8")
    os.symlink("loop-b", docs / "loop-a")
    os.symlink("loop-a", docs / "loop-b")
    os.symlink(docs, docs / "sub" / "up")  # a folder link back to the top: a loop, never entered
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "linked.txt").write_text("3. Return and reintegration.\n", encoding="utf-8")
    os.symlink(tmp_path / "elsewhere", docs / "linked")  # a folder link elsewhere: walked
    os.symlink(docs / "missing.txt", docs / "dangling.txt")
    os.symlink("/dev/zero", docs / "zero.txt")
    os.mkfifo(docs / "pipe.txt")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(docs / "sock.txt"))
    return docs, sock


def test_loops_links_and_special_files_get_a_reason_each_and_the_batch_goes_on(tmp_path):
    docs, sock = _folder(tmp_path)
    try:
        reasons = {p.name: r for p, r in walk_inputs([docs])}
        assert reasons["good.txt"] is None and reasons["more.txt"] is None and reasons["linked.txt"] is None
        assert reasons["loop-a"] == reasons["loop-b"] == "symbolic link loop"
        assert reasons["up"].startswith("symbolic link loop")
        assert reasons["dangling.txt"].startswith("broken symbolic link")
        assert reasons["zero.txt"] == "not a regular file (device)"
        assert reasons["pipe.txt"] == "not a regular file (FIFO)"
        assert reasons["sock.txt"] == "not a regular file (socket)"

        with evimap.open(tmp_path / "s.db") as corpus:
            report = corpus.ingest(docs, workers=1)
            assert report.added == 3
            failed = dict(report.failed)
            # the failure names the link as the user's folder holds it, not its target
            assert str(docs / "dangling.txt") in failed
            assert len(failed) == 7
            assert {f["path"] for f in corpus.status()["failures"]} >= set(failed)
    finally:
        sock.close()


def test_a_loop_given_on_the_command_line_is_one_failure_line(tmp_path):
    os.symlink(tmp_path / "b", tmp_path / "a")
    os.symlink(tmp_path / "a", tmp_path / "b")
    good = tmp_path / "good.txt"
    good.write_text("Migration data matter for policy.\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a"), str(good), "--store", str(tmp_path / "s.db")])
    assert result.exit_code == 1
    assert "symbolic link loop" in result.output
    assert "1 added" in result.output


def test_control_characters_in_file_names_are_printed_escaped(tmp_path):
    name = "bad\nname\x1b[31m.txt"
    (tmp_path / name).write_bytes(b"\x00\x01\x02\x03" * 64)  # binary: it fails and its name is printed
    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--store", str(tmp_path / "s.db")], terminal_width=400)
    failed = [ln for ln in result.output.splitlines() if "failed:" in ln]
    # one line: the store kept in the same folder (s.db, s.db-wal) is not ingested
    assert len(failed) == 1 and "bad\\nname\\x1b[31m.txt" in failed[0]
    assert "\x1b" not in result.output
    assert printable_path("a\tb") == "a\\tb"


def test_exclude_globs_match_the_path_relative_to_the_folder_given(tmp_path):
    docs = tmp_path / "docs"
    for rel in ["report.txt", "metadata/evaluations.json", "metadata/deep/export.csv", "country/drafts/old.txt",
                "country/final.txt", "tables/stock.csv"]:
        (docs / rel).parent.mkdir(parents=True, exist_ok=True)
        (docs / rel).write_text("Migration data.\n", encoding="utf-8")

    def walked(*patterns):
        return sorted(p.relative_to(docs).as_posix() for p, _ in walk_inputs([docs], patterns))

    assert walked("metadata/*") == ["country/drafts/old.txt", "country/final.txt", "report.txt", "tables/stock.csv"]
    assert walked("*/drafts/*", "*.csv") == ["country/final.txt", "metadata/evaluations.json", "report.txt"]
    assert walked(str(docs / "country") + "/*") == ["metadata/deep/export.csv", "metadata/evaluations.json",
                                                    "report.txt", "tables/stock.csv"]


def test_dry_run_lists_what_would_be_read_and_stores_nothing(tmp_path):
    docs = tmp_path / "docs"
    (docs / "metadata").mkdir(parents=True)
    (docs / "report.txt").write_text("Migration data.\n", encoding="utf-8")
    (docs / "metadata" / "catalogue.json").write_text("{}", encoding="utf-8")
    os.mkfifo(docs / "pipe.txt")
    store = tmp_path / "s.db"
    result = CliRunner().invoke(app, ["ingest", str(docs), "-x", "metadata/*", "--dry-run", "--store", str(store)],
                                terminal_width=400)
    assert result.exit_code == 0, result.output
    assert "report.txt" in result.output and "catalogue.json" not in result.output
    assert "pipe.txt  skipped: not a regular file (FIFO)" in result.output
    assert "1 to read, 1 skipped · nothing stored" in result.output
    assert not store.exists()
