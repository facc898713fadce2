"""A table line of a plan as a finished Word table (w:tbl), built here rather than in the template."""
from __future__ import annotations

from xml.sax.saxutils import escape as xml_escape

from congdoan.plans.tables import CELL_PADDING_TWIPS, EM_TWIPS, LINE_TWIPS, column_widths, layout

from congdoan.documents.rich_text import one_line, split_paragraphs

TEXT_WIDTH_TWIPS = LINE_TWIPS  # A4 less the margins of NĐ 30 (30 + 15 mm): 165 mm
TABLE_PAD_TWIPS = 57           # each side of a cell (1 mm)
TABLE_SIZE = EM_TWIPS // 10    # half-points: 13 pt, as the plan's schedule
_ALIGN = {"left": "left", "right": "right", "center": "center"}


class WordTable:
    """A table line as a finished Word table (w:tbl), placed by the template with {{p line.table }}:
    docxtpl replaces the tag's whole paragraph with this object's XML (as it does a subdocument, whose
    docxcompose dependency is not needed for a table built here).

    The header row is bold and centred, repeats at the top of every page (w:tblHeader) and keeps
    with the first row; no row breaks across pages; figures are right-aligned; a total row is bold.
    The columns fill the text width, each at least as wide as its longest word. Every text is
    cleaned (no control character) and escaped: a cell's "&", "<" or quotes are text, never XML.
    Links of figures are not printed. Formatting is direct (no style), so the table looks the same
    in any template. A small paragraph follows the table, so two tables in a row never merge."""

    def __init__(self, table: dict | None) -> None:
        laid = layout(table)
        self.columns = [one_line(c) for c in laid.columns]
        self.rows = [[split_paragraphs(c.text) for c in row] for row in laid.rows]
        self.total = [split_paragraphs(c.text) for c in laid.total] if laid.total is not None else None
        self.align = laid.align
        self.widths = column_widths(laid, TEXT_WIDTH_TWIPS, em=EM_TWIPS, padding=CELL_PADDING_TWIPS)

    def plain_rows(self) -> list[str]:
        rows = [self.columns] + [[" ".join(c) for c in row] for row in self.rows]
        if self.total is not None:
            rows.append([" ".join(c) for c in self.total])
        return [" | ".join(cells) for cells in rows if any(cells)]

    def xml(self) -> str:
        out = ['<w:tbl><w:tblPr>',
               f'<w:tblW w:w="{sum(self.widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>',
               *(f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                 for side in ("top", "left", "bottom", "right", "insideH", "insideV")),
               '</w:tblBorders><w:tblLayout w:type="fixed"/>',
               f'<w:tblCellMar><w:left w:w="{TABLE_PAD_TWIPS}" w:type="dxa"/>'
               f'<w:right w:w="{TABLE_PAD_TWIPS}" w:type="dxa"/></w:tblCellMar>',
               '<w:tblLook w:val="0000" w:firstRow="1" w:lastRow="0" w:firstColumn="0" w:lastColumn="0" '
               'w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
               *(f'<w:gridCol w:w="{w}"/>' for w in self.widths), '</w:tblGrid>']
        out.append(self._row([[c] if c else [] for c in self.columns], header=True))
        for row in self.rows:
            out.append(self._row(row))
        if self.total is not None:
            out.append(self._row(self.total, bold=True))
        out.append('</w:tbl><w:p><w:pPr><w:spacing w:before="0" w:after="0" w:line="160" w:lineRule="exact"/>'
                   '<w:rPr><w:sz w:val="4"/><w:szCs w:val="4"/></w:rPr></w:pPr></w:p>')
        return "".join(out)

    def _row(self, cells: list[list[str]], *, header: bool = False, bold: bool = False) -> str:
        # no row breaks across pages; the header's paragraphs keep with the first row
        out = ['<w:tr><w:trPr><w:cantSplit/>' + ('<w:tblHeader/>' if header else '') + '</w:trPr>']
        for i, (paragraphs, width) in enumerate(zip(cells, self.widths)):
            align = "center" if header else _ALIGN[self.align[i]]
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>'
                       + ('<w:vAlign w:val="center"/>' if header else '') + '</w:tcPr>')
            for text in paragraphs or [""]:        # a cell must hold a paragraph: Word refuses one without
                out.append(_table_paragraph(text, align, bold=header or bold, keep_next=header))
            out.append('</w:tc>')
        out.append('</w:tr>')
        return "".join(out)

    def __html__(self) -> str:        # what Jinja's autoescape inserts: the XML as it is
        return self.xml()

    def __str__(self) -> str:
        return self.xml()


def _table_paragraph(text: str, align: str, *, bold: bool, keep_next: bool) -> str:
    run_props = ('<w:b/><w:bCs/>' if bold else '') + f'<w:sz w:val="{TABLE_SIZE}"/><w:szCs w:val="{TABLE_SIZE}"/>'
    run = (f'<w:r><w:rPr>{run_props}</w:rPr><w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>'
           if text else '')
    return ('<w:p><w:pPr>' + ('<w:keepNext/>' if keep_next else '')
            + '<w:spacing w:before="40" w:after="40" w:line="240" w:lineRule="auto"/>'
            + f'<w:ind w:left="0" w:right="0" w:firstLine="0"/><w:jc w:val="{align}"/>'
            + f'<w:rPr>{run_props}</w:rPr></w:pPr>{run}</w:p>')

