"""gomodlab.lab.formatting: what a reader sees in a table cell or on an axis."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest

from gomodlab.lab import formatting as f


@pytest.mark.parametrize("value, unit, want", [
    (None, "text", "—"), (math.nan, "bytes", "—"), (pd.NA, "text", "—"), (pd.NaT, "time", "—"), ("", "text", "—"),
    (((404,),), "text", "404"), ((404, 410), "code", "404, 410"), ((None, math.nan), "text", "—"),
    (True, "text", "yes"), (False, "text", "no"), (1536, "bytes", "1.5 KiB"), (233, "bytes", "233 B"),
    (0.0163, "seconds", "16 ms"), (0.0004, "seconds", "0.4 ms"), (1.26, "seconds", "1.3 s"),
    (75, "seconds", "1 min 15 s"), (0.3529, "percent", "35%"), (0.004, "percent", "0.4%"), (0, "percent", "0%"),
    (12345, "count", "12,345"), (12345, "text", "12,345"), (2, "lines", "2"), (404, "code", "404"),
    (0.123456, "text", "0.123"), (3.0, "text", "3"), (45.2, "days", "45 days"), (1, "days", "1 day"),
    (0.2, "days", "today"),
])
def test_cell(value, unit, want):
    assert f.cell(value, unit) == want


def test_cell_rejects_unknown_units():
    with pytest.raises(ValueError, match="unknown unit 'parsecs'"):
        f.cell(1, "parsecs")


def test_time_and_proxy_names():
    when = dt.datetime(2026, 12, 3, 21, 49, 37, tzinfo=dt.timezone.utc)
    assert f.human_time(when) == f.human_time(when.timestamp()) == "2026-12-03 21:49:37 UTC"
    assert f.proxy_name("http://127.0.0.1:7001/", ["http://127.0.0.1:7001"]) == "lab proxy :7001"
    assert f.proxy_name("http://127.0.0.1:7001") == "http://127.0.0.1:7001", "only the demo's own are renamed"
    assert f.proxy_name("https://proxy.golang.org") == "https://proxy.golang.org" and f.proxy_name(None) == "—"


def test_table_has_no_index_no_nan_and_labels_cells():
    frame = pd.DataFrame({"module": ["example.com/a", None], "bytes": [2048, math.nan], "codes": [(404,), ()]},
                         index=[7, 9])
    t = f.table(frame, {"module": "module", "bytes": "size", "codes": "status"}, units={"module": "code",
                                                                                         "bytes": "bytes"})
    assert t.headers == ("module", "size", "status")
    assert t.rows == (("example.com/a", "2.0 KiB", "404"), ("—", "—", "—"))
    html = t.html()
    assert "NaN" not in html and "None" not in html and "((" not in html and ">7<" not in html
    assert '<td data-label="size" class="num">2.0 KiB</td>' in html and "<code>example.com/a</code>" in html
    assert t.text().splitlines()[1] == "example.com/a  2.0 KiB  404"
    t2 = f.table([("a", 1)], ["name", "n"], formatters={"name": str.upper})
    assert t2.rows == (("A", "1"),)
    with pytest.raises(KeyError, match="no column 'x'"):
        f.table(frame, ["x"])
