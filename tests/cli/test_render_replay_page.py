"""`hedge-planner render PLAN --history DIR`: the snapshot gains the replay page (issue #11)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from planner.cli import main, sample_plan_path
from planner.model import load_plan
from planner.model.history import find_history_files, load_history
from planner.model.replay import replay_plan
from planner.present.replay import headline

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason="shared/data (real history) is absent")


@needs_data
def test_render_with_history_adds_the_replay_page(tmp_path: Path) -> None:
    out = tmp_path / "page.pdf"
    plan_path = str(sample_plan_path())
    args = ["render", plan_path, "--history", str(DATA), "--start", "2018-01-02"]
    code = main([*args, "--end", "2021-06-30", "-o", str(out)])
    assert code == 0
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    plain = main(["render", plan_path, "-o", str(tmp_path / "plain.pdf")])
    assert plain == 0
    pages = len(PdfReader(io.BytesIO((tmp_path / "plain.pdf").read_bytes())).pages)
    assert len(reader.pages) == pages + 1
    text = " ".join(reader.pages[-1].extract_text().split())
    history = load_history(find_history_files(DATA), None, None)
    import datetime as dt

    window = load_history(find_history_files(DATA), dt.date(2018, 1, 2), dt.date(2021, 6, 30))
    result = replay_plan(load_plan(sample_plan_path()), window)
    assert history.market.size > window.market.size
    assert "Replay 2018-01-02 to 2021-06-30" in text
    for heading in ("Per year", "Stress episodes", "Headline and the seeds' claims"):
        assert heading in text
    for figure in headline(result):
        assert figure.value.replace("\u2212", "-") in text.replace("\u2212", "-")
    for year in result.years:
        assert str(year.year) in text


def test_render_with_a_bad_history_exits_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "render",
            str(sample_plan_path()),
            "--history",
            str(tmp_path / "none"),
            "-o",
            str(tmp_path / "x.pdf"),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2
    assert err.count("\n") == 1 and "is not a folder" in err
    assert not (tmp_path / "x.pdf").exists()
    code = main(
        [
            "render",
            str(sample_plan_path()),
            "--history",
            str(tmp_path),
            "--start",
            "2020-13-01",
            "-o",
            str(tmp_path / "x.pdf"),
        ]
    )
    assert code == 2
    assert "--start" in capsys.readouterr().err
