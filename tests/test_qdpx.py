"""REFI-QDA exchange: a store exports as a .qdpx project whose XML follows the standard's structure (checked here
from the standard's element and attribute names), and a project coded elsewhere — or re-imported — becomes
reviewed labels."""

from __future__ import annotations

import re
import zipfile
from xml.etree import ElementTree as ET

from typer.testing import CliRunner

import evimap
from evimap.cli import app

Q = "{urn:QDA-XML:project:1.0}"
GUID = re.compile(r"^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$")
TEXT = ("# Findings\n\nMember States should collect disaggregated data on migrants through censuses and household "
        "surveys, and share migration statistics across ministries.\n\n"
        "Remittance transfer costs fell in most corridors, and families relied on money sent by relatives abroad.\n")


def make_store(tmp_path, name="s.db"):
    (tmp_path / "report.md").write_text(TEXT, encoding="utf-8")
    corpus = evimap.open(tmp_path / name)
    corpus.ingest([tmp_path / "report.md"])
    return corpus


def check_project(root: ET.Element, names: set[str]) -> None:
    """The parts of the REFI-QDA project schema an importer relies on."""
    assert root.tag == f"{Q}Project" and root.get("name")
    users = {u.get("guid") for u in root.iter(f"{Q}User")}
    assert users and all(GUID.match(g) for g in users)
    codes = {c.get("guid"): c for c in root.iter(f"{Q}Code")}
    assert codes and all(GUID.match(g) and c.get("name") and c.get("isCodable") in ("true", "false")
                         for g, c in codes.items())
    for src in root.iter(f"{Q}TextSource"):
        assert GUID.match(src.get("guid")) and src.get("plainTextPath", "").startswith("internal://")
        assert src.get("plainTextPath")[len("internal://"):] in names
        for sel in src.findall(f"{Q}PlainTextSelection"):
            assert GUID.match(sel.get("guid")) and int(sel.get("startPosition")) <= int(sel.get("endPosition"))
            assert sel.get("creatingUser") in users
            for coding in sel.findall(f"{Q}Coding"):
                ref = coding.find(f"{Q}CodeRef")
                assert ref is not None and codes[ref.get("targetGUID")].get("isCodable") == "true"


def test_a_store_exports_as_a_project_with_machine_and_reviewed_codings_apart(tmp_path):
    corpus = make_store(tmp_path)
    corpus.map(["gcm"], workers=1)
    pid = corpus.search("censuses", mode="lexical")[0].passage_id
    corpus.review(pid, "gcm:12", "add", reviewer="ana")
    res = corpus.export_qdpx(tmp_path / "p.qdpx", "gcm")
    assert res["documents"] == 1 and res["codings"] >= 2 and res["reviewers"] == 1
    with zipfile.ZipFile(tmp_path / "p.qdpx") as zf:
        root = ET.fromstring(zf.read("project.qde"))
        names = {n[len("sources/"):] for n in zf.namelist() if n.startswith("sources/")}
        text = zf.read(f"sources/{next(iter(names))}").decode()
    check_project(root, names)
    sel = next(s for s in root.iter(f"{Q}PlainTextSelection") if s.get("name") == f"{pid} gcm:12")
    assert text[int(sel.get("startPosition")):int(sel.get("endPosition"))] == corpus.passage(pid)["text"]
    reviewed_tree = next(c for c in root.iter(f"{Q}Code") if c.get("name", "").endswith("(reviewed)"))
    target = sel.find(f"{Q}Coding/{Q}CodeRef").get("targetGUID")
    assert target in {c.get("guid") for c in reviewed_tree}
    corpus.close()


def test_reviewed_labels_survive_a_round_trip_into_a_fresh_store(tmp_path):
    corpus = make_store(tmp_path)
    corpus.map(["gcm"], workers=1)
    pid = corpus.search("censuses", mode="lexical")[0].passage_id
    corpus.review(pid, "gcm:12", "add", reviewer="ana")
    corpus.review(pid, "gcm:1", "accept", reviewer="ben")
    corpus.export_qdpx(tmp_path / "p.qdpx", "gcm")
    corpus.close()
    fresh = make_store(tmp_path, "fresh.db")
    r = CliRunner().invoke(app, ["qdpx", "import", str(tmp_path / "p.qdpx"), "--store", str(tmp_path / "fresh.db"),
                                 "-F", "gcm"])
    assert r.exit_code == 0, r.output
    log = {(e["reviewer"], e["code"], e["passage_id"]) for e in fresh.review_log()}
    assert log == {("ana", "12", pid), ("ben", "1", pid)}  # the machine's codings are not a reviewer's
    fresh.close()


def test_a_project_coded_elsewhere_becomes_reviewed_labels_and_unknown_parts_are_named(tmp_path):
    corpus = make_store(tmp_path)
    text = corpus.store.document_text(corpus.documents()[0].id)
    start = text.index("Remittance")
    project = f"""<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="coded in another tool">
 <Users><User guid="11111111-1111-1111-1111-111111111111" name="maria"/></Users>
 <CodeBook><Codes>
  <Code guid="22222222-2222-2222-2222-222222222222" name="GCM" isCodable="false">
   <Code guid="33333333-3333-3333-3333-333333333333" name="20 Promote faster, safer and cheaper transfer of remittances" isCodable="true"/>
  </Code>
  <Code guid="44444444-4444-4444-4444-444444444444" name="Interesting quotes" isCodable="true"/>
 </Codes></CodeBook>
 <Sources>
  <TextSource guid="55555555-5555-5555-5555-555555555555" name="report.md" plainTextPath="internal://x.txt">
   <PlainTextSelection guid="66666666-6666-6666-6666-666666666666" startPosition="{start}" endPosition="{start + 30}"
     creatingUser="11111111-1111-1111-1111-111111111111">
    <Coding guid="77777777-7777-7777-7777-777777777777" creatingUser="11111111-1111-1111-1111-111111111111">
     <CodeRef targetGUID="33333333-3333-3333-3333-333333333333"/></Coding>
   </PlainTextSelection>
  </TextSource>
  <TextSource guid="88888888-8888-8888-8888-888888888888" name="elsewhere.docx" plainTextPath="internal://y.txt"/>
 </Sources>
</Project>"""
    with zipfile.ZipFile(tmp_path / "other.qdpx", "w") as zf:
        zf.writestr("project.qde", project)
    res = corpus.import_qdpx(tmp_path / "other.qdpx", "gcm")
    assert res["decisions"] == 1 and res["unplaced_codes"] == ["Interesting quotes"]
    assert res["unplaced_sources"] == ["elsewhere.docx"]
    (entry,) = corpus.review_log()
    assert (entry["reviewer"], entry["framework"], entry["code"], entry["decision"]) == ("maria", "gcm", "20", "add")
    assert corpus.passage(entry["passage_id"])["text"].startswith("Remittance")
    (tmp_path / "bad.qdpx").write_bytes(b"not a zip")
    r = CliRunner().invoke(app, ["qdpx", "import", str(tmp_path / "bad.qdpx"), "--store", str(tmp_path / "s.db")])
    assert r.exit_code != 0 and "not a REFI-QDA project" in r.output
    corpus.close()
