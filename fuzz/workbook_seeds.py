"""Write the seeds of the `workbook` fuzz target (fuzz/corpus/workbook/seed_*), one per mode of
fuzz_targets/workbook.rs, from the fixtures. Run from the repository root:
    python3 fuzz/workbook_seeds.py
"""
import os
import re
import zipfile

OUT = "fuzz/corpus/workbook"


def part(path, name):
    with zipfile.ZipFile(path) as z:
        return z.read(name)


def inner(xml, tag):
    """What is between the root element's start tag and its end tag."""
    text = xml.decode()
    start = text.index(">", text.index("<" + tag)) + 1
    return text[start : text.rindex("</" + tag)].encode()


def write(name, data):
    with open(os.path.join(OUT, name), "wb") as f:
        f.write(data)


os.makedirs(OUT, exist_ok=True)
# Mode 0: whole files.
for path in ["fixtures/inputs/base.xlsx", "fixtures/hostile/merged.ods", "fixtures/hostile/merged_errors.xls"]:
    write("seed_" + os.path.basename(path), b"\x00" + open(path, "rb").read())
# Mode 1: an .xlsx sheet's inside, NUL, its shared strings' inside.
sheet = inner(part("fixtures/hostile/merged.xlsx", "xl/worksheets/sheet1.xml"), "worksheet")
sheet = sheet.replace(b'<c r="B5" t="inlineStr"><is><t>moved abroad</t></is></c>', b'<c r="B5" t="s"><v>0</v></c>')
shared = b"<si><t>moved abroad</t></si><si><r><t>rich </t></r><r><t>text</t></r></si>"
write("seed_sheet.xml", b"\x01" + sheet + b"\x00" + shared)
# Mode 2: an .ods sheet's rows.
content = part("fixtures/hostile/merged.ods", "content.xml").decode()
rows = "".join(re.findall(r"<table:table-row.*?</table:table-row>", content))
errors = part("fixtures/hostile/errors.ods", "content.xml").decode()
rows += "".join(re.findall(r"<table:table-row.*?</table:table-row>", errors)[1:])
write("seed_rows.ods.xml", b"\x02" + rows.encode())
# Mode 3: an .xlsx's sheet, shared strings, styles and workbook.
gaps = "fixtures/hostile/gaps.xlsx"
write(
    "seed_parts.xml",
    b"\x03"
    + inner(part(gaps, "xl/worksheets/sheet1.xml"), "worksheet")
    + b"\x00"
    + shared
    + b"\x00"
    + part(gaps, "xl/styles.xml")
    + b"\x00"
    + part(gaps, "xl/workbook.xml"),
)
