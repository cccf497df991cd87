"""The command line says what the code does: help generated from the lists the code accepts, frameworks
counted per kind, `frameworks show`, `documents` readable at 80 columns, the web app in the base install."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from typer.testing import CliRunner

from evimap import frameworks
from evimap.cli import app
from evimap.report import CoverageMap, Synthesis
from evimap.report.coverage import GROUPS

REPO = Path(__file__).resolve().parent.parent


def _help(*args: str) -> str:
    r = CliRunner().invoke(app, [*args, "--help"], env={"COLUMNS": "200", "TERMINAL_WIDTH": "200"})
    assert r.exit_code == 0, r.output
    return re.sub(r"[\s│]+", " ", r.output)  # the help box wraps and frames lines


def test_by_help_lists_every_grouping_the_map_accepts():
    for command in (("report", "map"), ("report", "synthesis")):
        text = _help(*command)
        for name in GROUPS:
            assert f"{name}:" in text, (command, name)


def test_format_and_framework_help_come_from_the_code():
    text = _help("report", "map")
    assert ", ".join(CoverageMap.formats[:-1]) + " or " + CoverageMap.formats[-1] in text
    assert "--weak" in text
    assert ", ".join(Synthesis.formats[:-1]) in _help("report", "synthesis")
    assert ", ".join(frameworks.BUILTIN[:-1]) in _help("map")


def test_frameworks_list_counts_categories_per_kind():
    r = CliRunner().invoke(app, ["frameworks", "list"])
    assert r.exit_code == 0, r.output
    lines = {line.split()[0]: line for line in r.output.splitlines()}
    assert "23 objectives, 10 principles" in lines["gcm"] and "33 categories" not in lines["gcm"]
    assert "17 goals, 169 targets" in lines["sdg"]
    assert frameworks.load("gcm").counts() == {"objective": 23, "principle": 10}


def test_frameworks_show_lists_codes_and_titles():
    gcm = frameworks.load("gcm")
    objectives = [r for r in gcm.outline() if r["kind"] == "objective"]
    assert [r["code"] for r in objectives] == [str(i) for i in range(1, 24)]
    r = CliRunner().invoke(app, ["frameworks", "show", "GCM", "--kind", "objective"])
    assert r.exit_code == 0, r.output
    rows = [line.split(None, 1) for line in r.output.splitlines() if re.match(r"\s+\d+\s", line)]
    assert [code for code, _ in rows] == [str(i) for i in range(1, 24)]
    assert rows[0][1].startswith("Collect and utilize accurate and disaggregated data")
    r = CliRunner().invoke(app, ["frameworks", "show", "sdg", "--kind", "planet"])
    assert r.exit_code == 1 and "kinds: goal, target" in r.output
    r = CliRunner().invoke(app, ["frameworks", "show", "gcmm"])
    assert r.exit_code == 1 and "gcm" in r.output


def test_documents_listing_fits_80_columns_with_full_names(example_corpus):
    r = subprocess.run([sys.executable, "-m", "evimap.cli", "documents", "--store", str(example_corpus.path)],
                       capture_output=True, text=True, env={"COLUMNS": "80", "PATH": "/usr/bin:/bin"})
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert max(len(line) for line in lines) <= 80
    for d in example_corpus.documents():
        assert d.name in lines  # the full name, on a line of its own
        facts = lines[lines.index(d.name) + 1]
        assert f"{d.n_passages:,} passages" in facts and d.format in facts


def test_the_web_app_is_in_the_base_install():
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    base = {re.split(r"[<>=;\[ ]", dep)[0].lower() for dep in project["dependencies"]}
    assert {"fastapi", "uvicorn", "jinja2", "python-multipart"} <= base
    extras = project["optional-dependencies"]
    assert not any("evimap[web]" in dep for deps in extras.values() for dep in deps)
    readme = (REPO / "README.md").read_text()
    assert '".[web]"' not in readme and "evimap[web]" not in readme
    # every install command in the README runs the tools of the venv it creates
    for line in readme.splitlines():
        if "python3 -m venv .venv" in line or "pip install" in line:
            assert not re.search(r"(^|&& )(pip|evimap|python) ", line), line
