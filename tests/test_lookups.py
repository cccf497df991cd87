"""Lookups that do not fail quietly: framework, theme and actor names in any letter case; an unknown one
is one error line naming the valid choices and the closest; a mistyped ingest path creates no store."""

import pytest
from typer.testing import CliRunner

import evimap
from evimap import frameworks
from evimap.cli import app
from evimap.errors import EvimapError, NotFoundError


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lookups")
    docs = folder / "docs"
    docs.mkdir()
    (docs / "MAR_72_2017.txt").write_text(
        "Morocco has evolved from a country of origin into a country of transit and destination for migrants. "
        "Our national strategy calls for better migration data and statistics, disaggregated by sex and age.\n",
        encoding="utf-8")
    (docs / "note.txt").write_text(
        "Ms. Lopez (IOM) noted that data on missing migrants remained scarce and census statistics were outdated.\n",
        encoding="utf-8")
    path = folder / "s.db"
    with evimap.open(path) as corpus:
        assert corpus.ingest([docs]).failed == []
    r = CliRunner().invoke(app, ["map", "-F", "THEMES,Gcm", "--store", str(path), "--quiet"])
    assert r.exit_code == 0, r.output
    return str(path)


def error_lines(result) -> list[str]:
    return [line for line in result.output.splitlines() if line.strip()]


def test_builtin_framework_names_load_in_any_letter_case():
    assert frameworks.load("GCM").id == "gcm"
    assert frameworks.load(" Sdg ").id == "sdg"
    assert frameworks.load("themes").category("DATA").code == "data"


def test_an_unknown_framework_is_one_line_listing_the_builtin_ones(tmp_path):
    r = CliRunner().invoke(app, ["frameworks", "list"])
    assert r.exit_code == 0
    r = CliRunner().invoke(app, ["classify", "-F", "gmc", "--input", "-"], input='{"id": 1, "text": "data"}\n')
    assert r.exit_code == 1
    assert error_lines(r) == ["error: gmc: no such framework (did you mean: gcm? built-in: gcm, sdg, themes, sg8; "
                              "or give a YAML file path)"]


def test_uppercase_framework_names_map_and_filter_like_lowercase(store):
    with evimap.open(store, readonly=True) as corpus:
        assert corpus.store.has_labels("themes") and corpus.store.has_labels("gcm")
        lower = [h.passage_id for h in corpus.search("migrants", label="themes:data")]
        assert lower, "the data theme is assigned to the passages about migration data"
        assert [h.passage_id for h in corpus.search("migrants", label="THEMES:Data")] == lower


def test_an_unknown_label_code_names_the_closest_and_the_valid_ones(store):
    r = CliRunner().invoke(app, ["search", "migrants", "--label", "themes:dta", "--store", store])
    assert r.exit_code == 1
    assert error_lines(r) == ["error: themes: no category 'dta' (did you mean: data?); categories: data, research, capacity"]


def test_an_unknown_synthesis_theme_lists_the_themes_and_suggests_the_closest(store):
    r = CliRunner().invoke(app, ["report", "synthesis", "--theme", "dta", "--store", store])
    assert r.exit_code == 1
    assert error_lines(r) == ["error: themes: no category 'dta' (did you mean: data?); categories: data, research, capacity"]
    r = CliRunner().invoke(app, ["report", "map", "--theme", "dta", "--store", store])
    assert r.exit_code == 1 and "did you mean: data?" in r.output
    r = CliRunner().invoke(app, ["report", "synthesis", "--theme", "DATA", "--store", store, "--format", "json"])
    assert r.exit_code == 0, r.output


@pytest.mark.parametrize("ref", ["MAR", "mar", "Morocco", "morocco", "MOROCCO"])
def test_a_country_profile_is_found_in_any_letter_case(store, ref):
    r = CliRunner().invoke(app, ["profile", ref, "--store", store])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("Morocco (MAR, Member State")


@pytest.mark.parametrize("ref", ["IOM", "iom"])
def test_an_organisation_profile_is_found_in_any_letter_case(store, ref):
    r = CliRunner().invoke(app, ["profile", ref, "--store", store])
    assert r.exit_code == 0, r.output
    assert r.output.startswith("IOM (IOM, ")


def test_an_actor_not_in_the_store_fails_with_suggestions(store):
    r = CliRunner().invoke(app, ["profile", "Moroco", "--store", store])
    assert r.exit_code == 1
    assert error_lines(r) == ["error: no actor 'Moroco' in this store (did you mean: Morocco (MAR)?)"]
    r = CliRunner().invoke(app, ["profile", "France", "--store", store])
    assert r.exit_code == 1 and error_lines(r) == ["error: no actor 'France' in this store"]
    with evimap.open(store, readonly=True) as corpus, pytest.raises(NotFoundError, match="did you mean: IOM"):
        corpus.profile("IOMM")


def test_ingesting_a_missing_path_fails_in_one_line_and_creates_no_store(tmp_path):
    db = tmp_path / "x.db"
    missing = tmp_path / "no" / "such" / "path"
    r = CliRunner().invoke(app, ["ingest", str(missing), "--store", str(db)])
    assert r.exit_code == 1
    assert error_lines(r) == [f"error: no such file or folder: {missing}"]
    assert list(tmp_path.iterdir()) == []


def test_framework_errors_are_evimap_errors():
    with pytest.raises(EvimapError, match="categories: 1, 2, 3"):
        frameworks.load("gcm").category("24")
