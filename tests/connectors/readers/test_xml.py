"""The XML reader: records by path, flattening, hostile XML (billion laughs, external entities)
refused without expansion or file access, and malformed XML part-way. Synthetic data only."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from connectors.readers.base import ReadOptions, Row
from connectors.readers.xml_reader import XmlReader

Read = Callable[..., Any]
Reject = Callable[..., str]
NoLeak = Callable[..., None]

POLICE = """<?xml version="1.0" encoding="UTF-8"?>
<export xmlns="urn:example:fedpol" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" versie="2">
  <meta><aangemaakt>2024-03-31</aangemaakt></meta>
  <dossier nummer="PV/2024/0001">
    <persoon id="P1" rol="slachtoffer">
      <naam>Verbeke-Synthetisch</naam>
      <voornaam>Zoë</voornaam>
      <geboortedatum>1995-07-30</geboortedatum>
      <nationaliteit>RO</nationaliteit>
      <nationaliteit>MD</nationaliteit>
      <adres type="verblijf"><straat>Kerkstraat 12</straat><postcode>9000</postcode></adres>
      <alias/>
      <gsm xsi:nil="true"/>
      <vaststellingen>Werkte in een <b>car wash</b>, zonder contract.<br/>Paspoort afgenomen.</vaststellingen>
    </persoon>
    <persoon id="P2" rol="verdachte">
      <naam>Lambertz</naam>
      <voornaam>Jérôme</voornaam>
    </persoon>
  </dossier>
  <dossier nummer="PV/2024/0002">
    <persoon id="P3" rol="slachtoffer"><naam>Dubois</naam></persoon>
  </dossier>
</export>
"""


def xml(tmp_path: Path, text: str, name: str = "politie.xml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_records_by_parent_and_child_path(tmp_path: Path, read: Read) -> None:
    result = read(XmlReader(), xml(tmp_path, POLICE), record_path="dossier/persoon")
    assert result.errors == []
    assert result.rejected is None
    assert result.numbers == [1, 2, 3]  # ordinals of the record elements
    assert result.rows[0].fields == {
        "@id": "P1",
        "@rol": "slachtoffer",
        "naam": "Verbeke-Synthetisch",
        "voornaam": "Zoë",
        "geboortedatum": "1995-07-30",
        "nationaliteit": "RO|MD",
        "adres/@type": "verblijf",
        "adres/straat": "Kerkstraat 12",
        "adres/postcode": "9000",
        "alias": None,
        "gsm": None,
        "vaststellingen": "Werkte in een car wash, zonder contract.Paspoort afgenomen.",
    }
    assert result.rows[1].fields == {
        "@id": "P2",
        "@rol": "verdachte",
        "naam": "Lambertz",
        "voornaam": "Jérôme",
    }


@pytest.mark.parametrize("record_path", ["persoon", "/export/dossier/persoon", "dossier/persoon/"])
def test_record_path_forms(tmp_path: Path, read: Read, record_path: str) -> None:
    result = read(XmlReader(), xml(tmp_path, POLICE), record_path=record_path)
    assert [row.fields["@id"] for row in result.rows] == ["P1", "P2", "P3"]


def test_absolute_path_must_match_from_the_root(tmp_path: Path, read: Read) -> None:
    result = read(XmlReader(), xml(tmp_path, POLICE), record_path="/dossier/persoon")
    assert (result.rows, result.errors, result.rejected) == ([], [], None)


def test_outer_records_hold_the_inner_elements(tmp_path: Path, read: Read) -> None:
    result = read(XmlReader(), xml(tmp_path, POLICE), record_path="dossier")
    assert result.numbers == [1, 2]
    first = result.rows[0].fields
    assert first["@nummer"] == "PV/2024/0001"
    assert first["persoon/@id"] == "P1|P2"
    assert first["persoon/naam"] == "Verbeke-Synthetisch|Lambertz"
    assert first["persoon/adres/postcode"] == "9000"


def test_default_records_are_the_children_of_the_root(tmp_path: Path, read: Read) -> None:
    text = "<cases><case><id>1</id></case><case><id>2</id><naam>A</naam></case></cases>"
    result = read(XmlReader(), xml(tmp_path, text))
    assert [row.fields for row in result.rows] == [{"id": "1"}, {"id": "2", "naam": "A"}]


def test_a_record_inside_a_record_belongs_to_the_outer_one(tmp_path: Path, read: Read) -> None:
    text = "<r><case><id>1</id><case><id>2</id></case></case></r>"
    result = read(XmlReader(), xml(tmp_path, text), record_path="case")
    assert [row.fields for row in result.rows] == [{"id": "1", "case/id": "2"}]


@pytest.mark.parametrize("encoding", ["windows-1252", "iso-8859-1", "utf-16"])
def test_declared_encodings(tmp_path: Path, read: Read, encoding: str) -> None:
    text = f'<?xml version="1.0" encoding="{encoding}"?><r><p><naam>Zoë Jérôme</naam></p></r>'
    result = read(XmlReader(), xml(tmp_path, text, encoding=encoding))
    assert result.rows[0].fields == {"naam": "Zoë Jérôme"}


def test_deep_nesting_is_a_row_error(tmp_path: Path, read: Read) -> None:
    deep = "<a>" * 200 + "x" + "</a>" * 200
    result = read(XmlReader(), xml(tmp_path, f"<r><p><id>1</id></p><p>{deep}</p><p><id>3</id></p></r>"))
    assert result.numbers == [1, 3]
    assert result.errors_at() == [(2, None, "the record is nested deeper than 64 levels")]


# -- hostile XML ------------------------------------------------------------------------------------

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<cases><case><naam>&lol9;</naam></case></cases>
"""

EXTERNAL_FILE = """<?xml version="1.0"?>
<!DOCTYPE cases [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<cases><case><naam>&xxe;</naam></case></cases>
"""

EXTERNAL_DTD = """<?xml version="1.0"?>
<!DOCTYPE cases SYSTEM "http://127.0.0.1:9/evil.dtd">
<cases><case><naam>x</naam></case></cases>
"""

PARAMETER_ENTITY = """<?xml version="1.0"?>
<!DOCTYPE cases [<!ENTITY % remote SYSTEM "file:///etc/passwd"> %remote;]>
<cases/>
"""


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(BILLION_LAUGHS, id="billion-laughs"),
        pytest.param(EXTERNAL_FILE, id="external-entity-etc-passwd"),
        pytest.param(EXTERNAL_DTD, id="external-dtd-over-http"),
        pytest.param(PARAMETER_ENTITY, id="parameter-entity"),
    ],
)
def test_hostile_xml_is_refused_without_expansion_or_access(
    tmp_path: Path, reject: Reject, text: str
) -> None:
    path = xml(tmp_path, text, "hostile.xml")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        message = reject(XmlReader(), path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - started < 1
    assert peak < 5 * 1024 * 1024  # nothing was expanded
    assert message.startswith("hostile.xml: XML entities are refused")
    assert "root:" not in message  # /etc/passwd was not read into the message
    assert "lol" not in message


def test_hostile_xml_after_records_yields_nothing(tmp_path: Path, read: Read) -> None:
    result = read(XmlReader(), xml(tmp_path, BILLION_LAUGHS))
    assert result.rows == []
    assert result.rejected is not None


# -- malformed, empty, wrong format -----------------------------------------------------------------


def test_malformed_part_way_yields_the_records_before_then_names_the_line(
    tmp_path: Path, read: Read, no_leak: NoLeak
) -> None:
    broken = POLICE.replace("<naam>Dubois</naam>", "<naam>Dubois</nam>")
    result = read(XmlReader(), xml(tmp_path, broken), record_path="dossier/persoon")
    assert [row.fields["@id"] for row in result.rows] == ["P1", "P2"]
    line = next(i for i, text in enumerate(broken.splitlines(), start=1) if "</nam>" in text)
    message = str(result.rejected)
    assert f"breaks at line {line}, column" in message
    assert "mismatched tag" in message
    assert "the 2 records before it were read" in message
    no_leak(result.messages())


def test_truncated_file(tmp_path: Path, read: Read) -> None:
    result = read(XmlReader(), xml(tmp_path, POLICE[: POLICE.index('<dossier nummer="PV/2024/0002"')]))
    assert len(result.rows) == 2
    assert "breaks at line" in str(result.rejected)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        pytest.param(b"", "empty", id="empty"),
        pytest.param(b"   \n", "the XML is malformed at line 2, column 0: no element found", id="blank"),
        pytest.param(
            "Naam;Voornaam\r\nVerbeke-Synthetisch;Zoë\r\n".encode("cp1252"),
            "the XML is malformed at line 1",
            id="csv",
        ),
        pytest.param(b'[{"naam": "Lambertz"}]', "the XML is malformed at line 1", id="json"),
        pytest.param(b"PK\x03\x04" + b"\0" * 40, "zip archive", id="xlsx"),
        pytest.param(b"<r><p>1</p>", "breaks at line 1", id="unclosed-root"),
    ],
)
def test_empty_and_wrong_format_are_refused(
    tmp_path: Path, reject: Reject, content: bytes, expected: str
) -> None:
    path = tmp_path / "export.xml"
    path.write_bytes(content)
    assert expected in reject(XmlReader(), path)


def test_root_without_records_gives_no_rows(tmp_path: Path, read: Read) -> None:
    result = read(XmlReader(), xml(tmp_path, '<?xml version="1.0"?><export/>'))
    assert (result.rows, result.errors, result.rejected) == ([], [], None)


@pytest.mark.parametrize("record_path", ["//", "a//b", " "])
def test_bad_record_path_is_refused(tmp_path: Path, reject: Reject, record_path: str) -> None:
    assert "record_path" in reject(XmlReader(), xml(tmp_path, POLICE), record_path=record_path)


def test_file_over_max_bytes_is_refused(tmp_path: Path, reject: Reject) -> None:
    path = xml(tmp_path, POLICE)
    assert f"{path.stat().st_size:,} bytes" in reject(XmlReader(), path, max_bytes=100)


# -- bounded memory ---------------------------------------------------------------------------------


def _big_export(path: Path, records: int) -> Path:
    person = (
        '<persoon id="P{i}"><naam>Peeters</naam><voornaam>Bart</voornaam><adres><postcode>9000</postcode>'
        "</adres><vaststellingen>"
        + "Synthetische vaststelling zonder echte personen. "
        * 8
        + "</vaststellingen>"
        "</persoon>"
    )
    with path.open("w", encoding="utf-8") as out:
        out.write('<?xml version="1.0"?><export><dossiers>')
        for i in range(records):
            out.write(f'<dossier nr="{i}">' + person.format(i=i) + "</dossier>")
        out.write("</dossiers></export>")
    return path


def test_memory_stays_bounded_by_one_record(tmp_path: Path) -> None:
    small = _big_export(tmp_path / "small.xml", 2_000)
    large = _big_export(tmp_path / "large.xml", 20_000)

    def peak(path: Path) -> int:
        tracemalloc.start()
        try:
            count = sum(
                isinstance(item, Row) for item in XmlReader().rows(path, ReadOptions(record_path="persoon"))
            )
            return tracemalloc.get_traced_memory()[1] if count else -1
        finally:
            tracemalloc.stop()

    small_peak, large_peak = peak(small), peak(large)
    assert large.stat().st_size > 9 * small.stat().st_size
    assert large_peak < 2 * small_peak + 256 * 1024  # ten times the file, about the same memory
