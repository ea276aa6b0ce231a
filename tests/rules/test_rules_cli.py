"""``flask rules check|graph|paths`` as the partnership and developers use them."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from flask.testing import FlaskCliRunner

from app.rules import DEFAULT_CONTACTS, DEFAULT_PACK, DEFAULT_PARTNERSHIP, enumerate_paths, load_pack
from support.pack_data import option
from support.servers import flask_in_this_process, project_python

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def test_check_passes_on_the_installed_pack(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["rules", "check"])
    assert result.exit_code == 0, result.output
    pack = load_pack()
    assert "valid" in result.output and pack.version in result.output


def test_check_fails_naming_file_node_and_field(
    runner: FlaskCliRunner, pack_data: dict, write_pack: Callable[[Any], Path]
) -> None:
    option(pack_data, "danger", "yes")["next"] = "reasons"  # a risk "yes" that could reach the request
    path = write_pack(pack_data)
    result = runner.invoke(args=["rules", "check", "--pack", str(path)])
    assert result.exit_code == 1
    assert str(path) in result.output
    assert "question danger option yes: next" in result.output


def test_check_reports_bad_yaml_with_its_line(runner: FlaskCliRunner, write_pack: Callable[[Any], Path]) -> None:
    path = write_pack("pack: {name: [\n")
    result = runner.invoke(args=["rules", "check", "--pack", str(path)])
    assert result.exit_code == 1
    assert f"{path}, line 1:" in result.output and "YAML could not read the file" in result.output
    assert "Traceback" not in result.output


def test_graph_draws_mermaid_and_dot_with_titles(runner: FlaskCliRunner) -> None:
    pack = load_pack()
    mermaid = runner.invoke(args=["rules", "graph", "--format", "mermaid"])
    assert mermaid.exit_code == 0 and mermaid.output.startswith("flowchart TD")
    dot = runner.invoke(args=["rules", "graph", "--format", "dot"])
    assert dot.exit_code == 0 and dot.output.startswith("digraph")
    for node in (*pack.questions, *pack.outcomes):
        assert node.id in mermaid.output and node.id in dot.output
    assert pack.question("immediate_danger").title.practitioner in mermaid.output  # type: ignore[union-attr]
    assert "U1 -> " not in dot.output  # outcomes are ends: no edges leave them
    assert "immediate_danger -> U1" in dot.output


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot command is not installed")
def test_graph_svg_with_graphviz(runner: FlaskCliRunner, tmp_path: Path) -> None:
    out = tmp_path / "graph.svg"
    result = runner.invoke(args=["rules", "graph", "--format", "svg", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert "<svg" in out.read_text()


def test_paths_lists_every_path_as_table_and_json(runner: FlaskCliRunner) -> None:
    pack = load_pack()
    expected = list(enumerate_paths(pack))
    table = runner.invoke(args=["rules", "paths"])
    assert table.exit_code == 0
    assert f"{len(expected)} paths" in table.output and pack.version in table.output
    as_json = runner.invoke(args=["rules", "paths", "--json"])
    data = json.loads(as_json.output)
    assert data["version"] == pack.version and len(data["paths"]) == len(expected)
    assert {p["outcome"] for p in data["paths"]} == {"U1", "U2", "L", "A", "R", "E", "D", "S", "P"}


def test_paths_table_says_any_one_criterion_leads_on_not_all_of_them(runner: FlaskCliRunner) -> None:
    """Found (routing review): the table wrote the criteria that lead on as
    "criteria=stuck+needs+support+debrief+lived_experience", which a second reader checking the
    routes before go-live reads as all five being needed; CONTENT.md: any one of them leads on."""
    table = runner.invoke(args=["rules", "paths"]).output
    assert "criteria=stuck+needs" not in table
    assert "criteria=any of stuck/needs/support/debrief/lived_experience; multi_agency=yes" in table
    assert "criteria=none" in table  # an exclusive answer is written as itself
    assert "one or more of those options, not all of them" in table.splitlines()[-1]


def test_the_app_refuses_to_start_with_a_broken_pack(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Stopped with the message alone (SystemExit with it as its code: the interpreter prints it,
    no traceback, and exits with status 1). Built here, from the environment, as a process of its
    own does it; that process's status and output are test_deploy's (``import wsgi``, status 3)."""
    from app import create_app

    broken = tmp_path / "broken.yaml"
    broken.write_text(DEFAULT_PACK.read_text().replace("next: U1", "next: U9"), encoding="utf-8")
    for key in [key for key in os.environ if key.startswith(("APP_", "FLASK_"))]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("RULE_PACK_PATH", str(broken))
    monkeypatch.setenv("APP_ENV", "development")
    with pytest.raises(SystemExit) as refused:
        create_app()
    message = refused.value.code
    assert isinstance(message, str)
    assert str(broken) in message and "'U9'" in message
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize("setting", ["RULE_PACK_PATH", "CONTACTS_PATH", "PARTNERSHIP_PATH"])
def test_a_file_that_cannot_be_read_names_the_setting_that_points_at_it(tmp_path: Path, setting: str) -> None:
    """Found (area review): a missing file's message named only the file; an operator had to work
    out which of the three settings to mend."""
    from app import create_app

    missing = tmp_path / "not-there.yaml"
    with pytest.raises(SystemExit) as refused:
        create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", setting: str(missing)})
    message = str(refused.value)
    assert f"{missing} cannot be read: there is no such file" in message
    assert f"({setting} names {missing}: set it to where the file is.)" in message


@pytest.mark.parametrize("stray", ["", "\x1a"], ids=["", "with-a-stray-control-byte"])
@pytest.mark.parametrize("setting", ["RULE_PACK_PATH", "CONTACTS_PATH", "PARTNERSHIP_PATH"])
def test_a_file_saved_in_another_encoding_is_mended_in_the_file_not_the_setting(
    tmp_path: Path, setting: str, stray: str
) -> None:
    """Found (maintainer review): a file saved in Windows-1252 stopped start-up with "(CONTACTS_PATH
    names …: set it to where the file is.)", though the setting named it rightly; the file is to
    be saved again as UTF-8, at the line named. Found (rules review): with a stray control byte
    too, it was "not a text file"."""
    from app import create_app

    installed = {
        "RULE_PACK_PATH": DEFAULT_PACK,
        "CONTACTS_PATH": DEFAULT_CONTACTS,
        "PARTNERSHIP_PATH": DEFAULT_PARTNERSHIP,
    }
    text = installed[setting].read_text(encoding="utf-8")
    saved = tmp_path / "saved-in-word.yaml"
    # Saved as a Windows editor does: each character in Windows-1252 (a "?" for one it lacks).
    saved.write_bytes(f"# Salford\u2019s copy{stray}\n{text}".encode("cp1252", errors="replace"))
    with pytest.raises(SystemExit) as refused:
        create_app({"APP_ENV": "test", "SQLALCHEMY_DATABASE_URI": "sqlite://", setting: str(saved)})
    message = str(refused.value)
    assert f"{saved}, line 1: cannot be read: this line has a character (byte 0x92: '\u2019'" in message
    assert "Save the file again as UTF-8" in message
    assert ("Line 1 also has a control character (code 0x1a)" in message) == bool(stray)
    assert "set it to where the file is" not in message


def test_the_readme_picture_of_the_decision_graph_is_up_to_date() -> None:
    readme = (PROJECT_ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index("```mermaid\n") + len("```mermaid\n")
    drawn = readme[start : readme.index("```", start)]
    from app.rules.graph import to_mermaid

    assert drawn == to_mermaid(load_pack()), (
        "run: flask --app wsgi rules graph --format mermaid, and paste it into README.md"
    )


def test_the_svg_picture_in_docs_is_of_the_current_pack() -> None:
    svg = (PROJECT_ROOT / "docs" / "decision-graph.svg").read_text(encoding="utf-8")
    assert f"version {load_pack().version}" in svg, (
        "run: flask --app wsgi rules graph --format svg -o docs/decision-graph.svg"
    )


def test_check_help_says_a_pack_given_with_pack_is_checked_without_a_partnership_file(
    runner: FlaskCliRunner,
) -> None:
    """Found: the option said "(default: the installed one)" while a pack given with --pack is
    checked with no partnership file at all. The help says what happens."""
    result = runner.invoke(args=["rules", "check", "--help"])
    text = " ".join(result.output.split())
    assert "(default: the installed one)" not in text
    assert "none when --pack is given" in text
    assert "``" not in text


def refused_live_partnership(tmp_path: Path) -> dict[str, str]:
    """Settings whose live partnership file the app refuses, as one from before request_options
    is after an upgrade (`flask` run in a process of its own, as an operator runs it)."""
    data = yaml.safe_load(DEFAULT_PARTNERSHIP.read_text(encoding="utf-8"))
    data.pop("request_options")
    live = tmp_path / "partnership.yaml"
    live.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return app_environment(tmp_path, PARTNERSHIP_PATH=str(live))


def test_a_copy_is_checked_while_the_live_partnership_file_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Upgrade review: the new code refused the live partnership file (no request_options), and
    `rules check --partnership COPY`, run to check the mended copy before installing it, stopped
    with the live file's error, as every command loads the app first. The rules commands now run:
    the copy is checked, and the live file, unmended, is named with what is wrong in it."""
    env = refused_live_partnership(tmp_path)
    live = env["PARTNERSHIP_PATH"]

    def flask(*args: str) -> subprocess.CompletedProcess[str]:
        return project_python(["-m", "flask", *args], env, timeout=60)

    copy = flask("--app", "wsgi", "rules", "check", "--partnership", str(DEFAULT_PARTNERSHIP))  # a process of its own
    assert copy.returncode == 0, copy.stderr
    assert "valid" in copy.stdout and f"from {DEFAULT_PARTNERSHIP}." in copy.stdout

    # The same entry point and command line in this process (a second each saved).
    alone = flask_in_this_process(monkeypatch, env, "--app=wsgi", "rules", "check")
    assert alone.returncode == 1, alone.stderr
    assert f"{live}:1: (partnership): request_options: is missing" in alone.stderr
    assert "cannot start" not in alone.stderr and "Traceback" not in alone.stderr
    monkeypatch.undo()

    compared = flask_in_this_process(
        monkeypatch, env, "--app", "wsgi", "rules", "diff", str(DEFAULT_PACK), str(DEFAULT_PACK)
    )
    assert compared.returncode == 0, compared.stderr
    assert "Rule pack changes" in compared.stdout


def test_the_outbox_status_runs_while_a_file_on_disk_would_stop_a_restart(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Found (operator review): with a live file half-way through an edit, `flask outbox status`
    stopped with "Space to Think cannot start", so an operator could not see whether mail was stuck,
    though the running service went on with the rules it had started with. It reads only the
    database: it says why a restart would fail, then gives the status. Any other command still stops."""
    env = refused_live_partnership(tmp_path)
    migrated = flask_in_this_process(
        monkeypatch, {**env, "PARTNERSHIP_PATH": str(DEFAULT_PARTNERSHIP)}, "--app", "wsgi", "db", "upgrade"
    )
    assert migrated.returncode == 0, migrated.stderr
    monkeypatch.undo()
    status = flask_in_this_process(monkeypatch, env, "--app", "wsgi", "outbox", "status")
    assert status.returncode == 0, status.stderr
    assert "Every PDF is made and every email sent." in status.stdout
    assert status.stderr.startswith("Warning: the service would not start again with the files as they are now")
    # Not that the service goes on: it may have stopped (found, operator review: it said so while
    # the web app and the worker had been restarted and refused).
    assert "one started now refuses to start: check it is running" in status.stderr
    assert "request_options: is missing" in status.stderr and "Traceback" not in status.stderr
    monkeypatch.undo()
    send = flask_in_this_process(monkeypatch, env, "--app", "wsgi", "outbox", "send")
    assert send.returncode == 3 and "Space to Think cannot start" in send.stderr
    monkeypatch.undo()
    told = flask_in_this_process(monkeypatch, env, "--app", "wsgi", "outbox", "send", "--help")  # reads nothing
    assert told.returncode == 0 and "Usage:" in told.stdout, told.stderr


def app_environment(tmp_path: Path, **settings: str) -> dict[str, str]:
    """The environment of a `flask` command in a process of its own: development settings, a
    database in ``tmp_path``, and ``settings``."""
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "APP_ENV": "development",
        "SECRET_KEY": "a-test-secret-key-that-is-long-enough-0123456789",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite'}",
        "RATELIMIT_STORAGE_URI": "memory://",
        **settings,
    }


def test_rules_check_says_each_warning_once(tmp_path: Path) -> None:
    """Found (rules maintainer's review): `rules check` on a pack whose review date had passed
    said the warning twice, first as the app's start-up log line ("WARNING in pack: Rule data:
    ..."), before "valid", then as "Warning: ...". The rules commands say it, once."""
    text = DEFAULT_PACK.read_text(encoding="utf-8")
    review = next(line for line in text.splitlines() if line.strip().startswith("review_date:"))
    pack = tmp_path / "pack.yaml"
    pack.write_text(text.replace(review, review.split(":")[0] + ": 2020-01-31"), encoding="utf-8")
    env = app_environment(tmp_path, RULE_PACK_PATH=str(pack))
    # A process of its own: the start-up log line goes where a terminal shows it (under pytest the
    # app's logger has pytest's handler instead).
    run = project_python(["-m", "flask", "--app", "wsgi", "rules", "check"], env, timeout=60)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said
    assert said.count("the review date has passed") == 1, said
    assert said.index(f"{pack}: valid.") < said.index("Warning: ")


def test_flask_run_names_the_rules_it_serves(tmp_path: Path) -> None:
    """Found (rules maintainer's review): nothing `scripts/run` printed said which rules a restart
    had started with, so a change could not be seen to have been picked up (only /how-it-decides
    said). `flask run` (which `scripts/run` starts) names them as `rules check` does. (Told to
    serve on an address this machine does not have, it stops after loading the app.)"""
    from app.rules import check_rules
    from app.uk_time import uk_today

    pack = check_rules(DEFAULT_PACK, DEFAULT_CONTACTS, uk_today(), partnership_path=DEFAULT_PARTNERSHIP).pack
    assert pack is not None
    env = app_environment(tmp_path)
    run = project_python(
        ["-m", "flask", "--app", "wsgi", "run", "--host", "192.0.2.1", "--port", "5999"], env, timeout=60
    )
    assert (
        f"Rules: {pack.name}, version {pack.version}, review by {pack.review_date}, from {DEFAULT_PACK}; "
        f"contacts from {DEFAULT_CONTACTS}; partnership from {DEFAULT_PARTNERSHIP}." in run.stderr
    ), run.stderr


@pytest.mark.parametrize(
    "args",
    [
        ["rules", "check", "--pack", "{folder}"],
        ["rules", "check", "--contacts", "{folder}"],
        ["rules", "diff", "{folder}", "{pack}"],
        ["rules", "diff", "{pack}", "{pack}", "--new-contacts", "{folder}"],
    ],
)
def test_a_folder_given_for_a_file_is_told_as_start_up_tells_it(
    runner: FlaskCliRunner, tmp_path: Path, args: list[str]
) -> None:
    """Found (rules maintainer's review): `rules check --pack FOLDER` gave the command-line library's
    own "Error: Invalid value for '--pack': ... is a directory" (exit 2); start-up says it in the
    house style, "it is a folder, not a file". The commands now say the same."""
    from app.rules import DEFAULT_PACK

    result = runner.invoke(args=[arg.format(folder=tmp_path, pack=DEFAULT_PACK) for arg in args])
    assert result.exit_code in (1, 2) and f"{tmp_path} cannot be read: it is a folder, not a file" in result.output
    assert "Invalid value" not in result.output
