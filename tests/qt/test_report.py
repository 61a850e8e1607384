"""The board paper: the current view as a PDF or HTML report, from the command line and the window."""
from __future__ import annotations

import io
import json
import os
import re
import unicodedata
from html.parser import HTMLParser
from pathlib import Path

from pypdf import PdfReader
from PySide6.QtCore import QSettings

from youthdrugs_gui.__main__ import main as cli_main
from youthdrugs_gui.core.engine import Engine
from youthdrugs_gui.core.filter_state import FilterState
from youthdrugs_gui.core.report import make_report, to_html
from youthdrugs_gui.core.sources import load_sample
from youthdrugs_gui.qt.mainwindow import MainWindow


def _norm(text: str) -> str:
    """Extracted PDF text as words: ligatures (ﬀ) undone, tabs as spaces."""
    return unicodedata.normalize("NFKC", text).replace("\t", " ")


def _pdf_text(path: Path) -> tuple[str, int]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return "\n".join(_norm(p.extract_text()) for p in reader.pages), len(reader.pages)


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.tables, self.theads, self.imgs, self.svgs = [], 0, 0, [], 0

    def handle_starttag(self, tag, attrs):
        self.tables += tag == "table"
        self.theads += tag == "thead"
        self.svgs += tag == "svg"
        if tag == "img":
            self.imgs.append(dict(attrs).get("src", ""))

    def handle_data(self, data):
        self.parts.append(data)


def _essex_args():
    return ["--force", "Essex", "--age", "10-15", "--year", "2018-19:2022-23", "--group-by", "financial_year",
            "--stack-by", "drug_class", "--suppress-below", "5"]


def test_cli_pdf_report_of_the_sample(tmp_path, capsys):
    out = tmp_path / "board.pdf"
    assert cli_main(["report", *_essex_args(), "-o", str(out)]) == 0
    assert "synthetic sample" in capsys.readouterr().out
    text, pages = _pdf_text(out)
    flat = " ".join(text.split())
    assert 2 <= pages <= 4
    assert flat.startswith("Synthetic data") and "describes no real child" in flat
    assert "Drug offences by children aged 10-15, Essex, 2018-19 to 2022-23" in flat
    ds = load_sample()
    eng = Engine(ds)
    st = eng.check(FilterState().with_values("force", ["Essex"]).with_age_range((10, 15))
                   .with_year_range(("2018-19", "2022-23")))
    total = eng.apply(st).totals_text()
    assert total.split()[0] in flat  # the headline total
    assert "[c]" in flat  # a suppressed cell of the table
    for needle in ("What is counted", "Protection", "Key to the table", "Source files", "SHA-256"):
        assert needle in flat
    if os.name == "posix":
        assert (out.stat().st_mode & 0o777) == 0o600
    prov = json.loads(Path(str(out) + ".provenance.json").read_text(encoding="utf-8"))
    assert prov["dataset"]["synthetic"] is True and prov["output"]["sha256"]


def test_html_report_is_one_file_with_images_inside(tmp_path):
    out = tmp_path / "board.html"
    assert cli_main(["report", *_essex_args(), "--title", "Essex: a question from the board", "-o", str(out)]) == 0
    p = _Text()
    p.feed(out.read_text(encoding="utf-8"))
    text = " ".join(" ".join(p.parts).split())
    assert "Essex: a question from the board" in text
    assert p.svgs >= 2 and not p.imgs  # chart and map inline: nothing to fetch
    assert p.theads >= 1
    assert "Synthetic data" in text and "[c]" in text


def test_real_data_report_has_no_synthetic_line_and_repeats_long_table_headers(tmp_path):
    csv = tmp_path / "forces.csv"
    rows = ["Force,Year,Count"] + [f"{f},2021-22,{10 + i}" for i, f in enumerate(
        __import__("youthdrugs_gui.core.schema", fromlist=["x"]).FORCE_NAMES)]
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "forces.pdf"
    assert cli_main(["report", str(csv), "--group-by", "force", "-o", str(out)]) == 0
    text, pages = _pdf_text(out)
    assert "Synthetic" not in text
    texts = [_norm(page.extract_text()) for page in PdfReader(str(out)).pages]
    header_pages = [i for i, t in enumerate(texts) if "Police force\nCount" in t or "Police force Count" in t]
    assert pages >= 2 and len(header_pages) >= 2  # the table runs over a page and its header repeats


def test_bad_report_input_exits_2_and_leaves_no_file(tmp_path, capsys):
    out = tmp_path / "x.pdf"
    assert cli_main(["report", "--group-by", "nonsense", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    assert not out.exists() and not list(tmp_path.iterdir())
    assert cli_main(["report", "-o", str(tmp_path / "x.docx")]) == 2


def test_the_window_previews_and_saves_the_report(qtbot, tmp_path):
    w = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.open_sample()
    w.controller.only("force", "Essex")
    w.controller.flush()
    dlg = w.report_dialog()
    qtbot.addWidget(dlg)
    dlg.wait()
    assert dlg.report is not None
    assert dlg.title.text().startswith("Drug offences by children") and "Essex" in dlg.title.text()
    preview = dlg.preview.toPlainText()
    assert "Headline figures" in preview and "Synthetic data" in preview
    out = tmp_path / "r.pdf"
    dlg.save(out)
    assert dlg.written == out and out.read_bytes()[:5] == b"%PDF-"


def test_report_speed_is_recorded():
    """Not pass/fail on time: the benchmark figure report_s is measured in benchmarks/run.py."""
    ds = load_sample()
    rep = make_report(Engine(ds), FilterState(), group_by="force")
    html = to_html(rep)
    assert re.search(r"<h1>.*</h1>", html)
