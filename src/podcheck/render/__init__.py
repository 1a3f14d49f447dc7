"""Reports: a unit's result as text, JSON, HTML, Markdown or PDF, and the portfolio across units.

Modules, in the direction they import each other:
    filters    the small formatting helpers the templates use (escaping, bands, bars, counts)
    templates  the one Jinja2 environment over templates/, with those filters and the shared words
    pdf        HTML → PDF through WeasyPrint, in the shipped font, loading nothing else
    report     one unit's report in every format, and writing a unit's report files
    portfolio  the portfolio across units: HTML, CSV and JSON
Nothing here prints or reads command-line arguments; cli.py does.
"""

from .pdf import PdfUnavailable, html_to_pdf, require_pdf
from .portfolio import Failure, PortfolioEntry, write_portfolio
from .report import (
    EXTENSIONS,
    FORMATS,
    PAPERS,
    REPORT_FORMATS,
    render,
    render_html,
    render_json,
    render_markdown,
    render_pdf,
    render_text,
    write_unit_reports,
)

__all__ = [
    "EXTENSIONS", "FORMATS", "PAPERS", "REPORT_FORMATS", "Failure", "PdfUnavailable", "PortfolioEntry",
    "html_to_pdf", "render", "render_html", "render_json", "render_markdown", "render_pdf", "render_text",
    "require_pdf", "write_portfolio", "write_unit_reports",
]
