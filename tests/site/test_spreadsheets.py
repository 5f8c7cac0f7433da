"""Every CSV the platform writes: BOM, CRLF, empty cells for None, the formula guard on."""

from minyi.spreadsheets import csv_document, csv_stream


def test_a_whole_document_and_its_stream_are_the_same_safe_file():
    header = ["name", "value"]
    rows = [['=HYPERLINK("x")', 1], ["-3+2", None], ["正常文字", 2.5]]
    document = csv_document(header, rows)
    assert document.startswith("\ufeff".encode())
    text = document.decode("utf-8")
    assert text == ('\ufeffname,value\r\n"\'=HYPERLINK(""x"")",1\r\n\'-3+2,\r\n正常文字,2.5\r\n')
    assert "".join(csv_stream(header, rows)).encode("utf-8") == document
