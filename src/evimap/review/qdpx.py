"""REFI-QDA project exchange (``.qdpx``): a store's documents, codes and coded passages for NVivo, ATLAS.ti and
MAXQDA, and coded projects back into a store as reviewed labels.

A ``.qdpx`` file is a zip holding ``project.qde`` (XML in the ``urn:QDA-XML:project:1.0`` namespace) and the
sources under ``sources/``. evimap writes each document's stored text as a plain-text source, each framework as a
code tree (the framework, then its categories), and each assigned label as a coding of its passage's characters
(``PlainTextSelection`` with start and end positions in the source text). Labels a reviewer decided go under a
second tree per framework, "… (reviewed)", so that the other program shows which is which. Everything is written
from the standard's element and attribute names; no other tool's code is used.

Import reads a ``.qdpx`` coded anywhere: each coded selection of a source whose name is a document of the store
becomes an "add" decision (reviewer: the coding's user, or the project's) on every passage of that document the
selection overlaps, for codes whose name starts with a framework's code ("GCM 23 …", "gcm:23", "23 Strengthen …"
under a "GCM" parent). Codings by the user "evimap" (the machine's, in evimap's own exports) are left out, and a
rejection has no coding to carry it: a round trip keeps the labels reviewers accepted or added.
"""

from __future__ import annotations

import re
import uuid
import zipfile
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ..errors import EvimapError

NS = "urn:QDA-XML:project:1.0"
Q = f"{{{NS}}}"


def _guid(*parts: str) -> str:
    """A stable GUID for the same thing exported twice (uuid5 over its names)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "evimap:" + "|".join(parts))).upper()


def export_qdpx(corpus: Any, out: Path, frameworks: list[str], project: str = "evimap") -> dict[str, int]:
    """Write ``out`` (.qdpx) with the store's documents, the frameworks' code trees and every assigned label."""
    from ..map import load_frameworks

    ET.register_namespace("", NS)
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    root = ET.Element(f"{Q}Project", {"name": project, "origin": "evimap", "creationDateTime": now})
    users = ET.SubElement(root, f"{Q}Users")
    machine_user = _guid("user", "evimap")
    ET.SubElement(users, f"{Q}User", {"guid": machine_user, "name": "evimap"})
    reviewers: dict[str, str] = {}
    codebook = ET.SubElement(ET.SubElement(root, f"{Q}CodeBook"), f"{Q}Codes")
    code_guid: dict[tuple[str, str, bool], str] = {}
    fws = load_frameworks(frameworks)
    for fw in fws:
        for reviewed in (False, True):
            name = fw.name + (" (reviewed)" if reviewed else "")
            top = ET.SubElement(codebook, f"{Q}Code", {"guid": _guid("fw", fw.id, str(reviewed)), "name": name,
                                                        "isCodable": "false"})
            for c in fw.categories:
                guid = _guid("code", fw.id, c.code, str(reviewed))
                code_guid[(fw.id, c.code, reviewed)] = guid
                el = ET.SubElement(top, f"{Q}Code", {"guid": guid, "name": f"{fw.id.upper()} {c.code} {c.title}"[:250],
                                                     "isCodable": "true"})
                if c.description:
                    ET.SubElement(el, f"{Q}Description").text = " ".join(c.description.split())
    sources = ET.SubElement(root, f"{Q}Sources")
    n_docs = n_codings = 0
    store = corpus.store
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for doc in store.documents():
            text = store.document_text(doc.id)
            src_guid = _guid("doc", doc.id)
            zf.writestr(f"sources/{src_guid}.txt", text)
            src = ET.SubElement(sources, f"{Q}TextSource", {"guid": src_guid, "name": doc.name,
                                                             "plainTextPath": f"internal://{src_guid}.txt"})
            n_docs += 1
            for fw in fws:
                for pid, start, end, code, reviewed, reviewer in store.coded_segments(doc.id, fw.id):
                    key = (fw.id, code, reviewed is not None)
                    if key not in code_guid:
                        continue
                    user = machine_user
                    if reviewed is not None:
                        if reviewer not in reviewers:
                            reviewers[reviewer] = _guid("user", reviewer)
                            ET.SubElement(users, f"{Q}User", {"guid": reviewers[reviewer], "name": reviewer})
                        user = reviewers[reviewer]
                    sel = ET.SubElement(src, f"{Q}PlainTextSelection", {
                        "guid": _guid("sel", pid, fw.id, code), "name": f"{pid} {fw.id}:{code}",
                        "startPosition": str(start), "endPosition": str(end), "creatingUser": user})
                    coding = ET.SubElement(sel, f"{Q}Coding", {"guid": _guid("coding", pid, fw.id, code),
                                                               "creatingUser": user})
                    ET.SubElement(coding, f"{Q}CodeRef", {"targetGUID": code_guid[key]})
                    n_codings += 1
        zf.writestr("project.qde", ET.tostring(root, encoding="utf-8", xml_declaration=True))
    return {"documents": n_docs, "codings": n_codings, "reviewers": len(reviewers)}


_CODE_NAME_RE = re.compile(r"^\s*(?:(?P<fw>[A-Za-z][\w-]*)[\s:]+)?(?P<code>\d+(?:\.\w+)?|[a-z][\w.]*)\b")


def import_qdpx(corpus: Any, path: Path, frameworks: list[str], default_reviewer: str) -> dict[str, Any]:
    """Record the codings of a ``.qdpx`` project as "add" decisions on the passages they cover (see the module's
    docstring); returns counts and the codes and sources it could not place."""
    from ..map import load_frameworks

    fws = {fw.id: fw for fw in load_frameworks(frameworks)}
    with zipfile.ZipFile(path) as zf:
        root = ET.fromstring(zf.read("project.qde"))
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{Q}User")}
    codes: dict[str, tuple[str, str]] = {}
    unplaced_codes: set[str] = set()

    def walk(el: ET.Element, parent_fw: str | None) -> None:
        for child in el.findall(f"{Q}Code"):
            name = child.get("name") or ""
            fw_here = next((f for f in fws if name.lower().startswith((fws[f].name.lower(), f + " ", f + ":"))
                            or name.lower() == f), None)
            m = _CODE_NAME_RE.match(name)
            fw_id = (m.group("fw").lower() if m and m.group("fw") and m.group("fw").lower() in fws else None) or parent_fw
            placed = False
            if m and fw_id in fws:
                try:
                    codes[child.get("guid")] = (fw_id, fws[fw_id].category(m.group("code")).code)
                    placed = True
                except EvimapError:  # a name that starts like a code but is none of the framework's
                    placed = False
            if not placed and child.get("isCodable", "true") == "true" and not fw_here:
                unplaced_codes.add(name)
            walk(child, fw_here or parent_fw)

    for book in root.iter(f"{Q}Codes"):
        walk(book, None)
    docs = {d.name: d for d in corpus.store.documents()}
    done = 0
    unplaced_sources: set[str] = set()
    for src in root.iter(f"{Q}TextSource"):
        doc = docs.get(src.get("name") or "")
        if doc is None:
            unplaced_sources.add(src.get("name") or "?")
            continue
        passages = list(corpus.store.passages(doc.id))
        for sel in src.findall(f"{Q}PlainTextSelection"):
            start, end = int(sel.get("startPosition", "0")), int(sel.get("endPosition", "0"))
            for coding in sel.findall(f"{Q}Coding"):
                ref = coding.find(f"{Q}CodeRef")
                target = codes.get(ref.get("targetGUID") if ref is not None else None)
                if target is None:
                    continue
                reviewer = users.get(coding.get("creatingUser") or sel.get("creatingUser")) or default_reviewer
                if reviewer == "evimap":
                    continue  # evimap's own machine codings in one of its exports: not a reviewer's
                for p in passages:
                    if p["start"] < end and p["end"] > start and p["kind"] != "heading":
                        corpus.review(p["id"], f"{target[0]}:{target[1]}", "add", reviewer=reviewer,
                                      reason=f"imported from {path.name}")
                        done += 1
    return {"decisions": done, "unplaced_codes": sorted(unplaced_codes), "unplaced_sources": sorted(unplaced_sources)}
