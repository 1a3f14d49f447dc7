"""PDF reports through WeasyPrint, in the shipped report font, loading nothing but that font.

WeasyPrint is imported only when a PDF is asked for: without Pango it raises PdfUnavailable, one
line saying what to install. The page is laid out in REPORT_FONT (Arimo, shipped as a Python
package), and a strict URL fetcher refuses every URL but data: and the shipped font files.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem

PANGO_INSTALL = ("Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0; "
                 "macOS: brew install pango; conda: conda install -c conda-forge pango")


class PdfUnavailable(InputError):
    """A PDF was asked for but cannot be made here (Pango, WeasyPrint or the report font missing): exit 2."""

    def __init__(self, message: str) -> None:
        super().__init__([Problem("PDF reports", "", message)])


@dataclass(frozen=True)
class ReportFont:
    """The typeface of every report, shipped as a Python package so no PDF depends on the machine's fonts.

    Arimo is metric-compatible with Liberation Sans and Arial, the faces the stylesheet was drawn
    for, and covers Latin (with Vietnamese), Greek, Cyrillic and Hebrew names. The stylesheet names
    `alias` first: only PDFs define it, from the shipped files, so a PDF never picks up a copy
    of the typeface the machine happens to have.
    """

    family: str  # the family name inside the font files
    package: str  # the Python package that ships them (files/ and metadata.json, OFL licence in LICENSE)
    distribution: str  # what pip installs
    alias: str

    @property
    def folder(self) -> Path:
        """The installed package's folder (raises PdfUnavailable when it is not installed)."""
        import importlib.resources

        try:
            return Path(str(importlib.resources.files(self.package)))
        except ModuleNotFoundError:
            raise PdfUnavailable("need the report font, which is not installed: "
                                 f"pip install {self.distribution}") from None


REPORT_FONT = ReportFont("Arimo", "fontpkg_arimo", "fontpkg-arimo", "podcheck Arimo")


@dataclass(frozen=True)
class FontFace:
    """One shipped font file: its style and the weights it serves (a variable font serves a range)."""

    path: Path
    style: str
    weights: tuple[int, int]


@functools.cache
def shipped_fonts() -> tuple[FontFace, ...]:
    """The report font's files, as the font package lists them in its metadata.json."""
    import json

    folder = REPORT_FONT.folder
    meta = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
    axis = next((a for a in meta.get("axes", []) if a.get("tag") == "wght"), None)
    faces = []
    for entry in meta["files"]:
        if entry.get("variable") and axis:
            weights = (int(axis["min"]), int(axis["max"]))
        else:
            weights = (int(entry.get("weight") or 400),) * 2
        faces.append(FontFace((folder / entry["path"]).resolve(), entry.get("style", "normal"), weights))
    return tuple(faces)


def font_face_css() -> str:
    """@font-face rules that load the shipped files under REPORT_FONT.alias (for WeasyPrint only)."""
    rules = []
    for face in shipped_fonts():
        low, high = face.weights
        rules.append(f'@font-face {{ font-family: "{REPORT_FONT.alias}"; src: url("{face.path.as_uri()}") '
                     f'format("truetype"); font-style: {face.style}; font-weight: {low} {high}; }}')
    return "\n".join(rules)


def allowed_url(url: str) -> bool:
    """Whether a PDF may load this URL: data: URLs and the shipped font files, nothing else.

    Reports are self-contained; a PDF must never read other local files or reach the network,
    whatever HTML it is given.
    """
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "data":
        return True
    if scheme != "file" or parts.netloc not in ("", "localhost") or parts.query or parts.fragment:
        return False
    try:
        path = _file_url_path(url).resolve()
    except (OSError, ValueError):
        return False
    return path in {face.path for face in shipped_fonts()}


def _file_url_path(url: str) -> Path:
    from urllib.parse import unquote, urlsplit
    from urllib.request import url2pathname

    return Path(url2pathname(unquote(urlsplit(url).path)))


def _load_weasyprint() -> Any:
    """The weasyprint module, or PdfUnavailable saying what to install."""
    import contextlib
    import io
    import warnings

    try:
        # WeasyPrint prints a page of installation help to standard output when a library is
        # missing: the user gets one line from us instead. It also warns when the machine has no
        # fonts at all, which does not matter here: reports bring their own.
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=r".*FontConfig.*Expect ugly output", category=UserWarning)
            import weasyprint
            import weasyprint.text.fonts  # noqa: F401 - the font check runs on import: inside the filter
    except OSError as exc:
        missing = re.search(r"cannot load library '([^']+)'", str(exc))
        why = f"{missing.group(1)} not found" if missing else str(exc).splitlines()[0][:120]
        raise PdfUnavailable(f"need the Pango library, which could not be loaded ({why}); "
                             f"install it: {PANGO_INSTALL}") from None
    except ImportError as exc:
        raise PdfUnavailable(f"need WeasyPrint, which could not be imported ({exc}); "
                             "install it: pip install weasyprint") from None
    return weasyprint


def require_pdf() -> None:
    """Raise PdfUnavailable (one line: what to install) unless PDFs can be made here."""
    _load_weasyprint()
    shipped_fonts()


@functools.cache
def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class ShippedFontsOnly(URLFetcher):
        """Fetches the shipped font files and data: URLs; refuses every other URL (logged, not loaded)."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            if not allowed_url(url):
                raise ValueError(f"podcheck reports do not load external resources ({url[:60]})")
            if url.lower().startswith("data:"):
                return super().fetch(url, headers)
            body = _file_url_path(url).read_bytes()
            return URLFetcherResponse(url, body=body, headers={"Content-Type": "font/ttf"})

    return ShippedFontsOnly


def html_to_pdf(html: str) -> bytes:
    """PDF bytes from one of podcheck's HTML reports, laid out by WeasyPrint in the shipped font."""
    import logging

    weasyprint = _load_weasyprint()
    from weasyprint.text.fonts import FontConfiguration

    # WeasyPrint warns about each CSS property it ignores (screen-only ones like box-shadow);
    # keep the command line quiet unless the caller configured that logger themselves.
    logger = logging.getLogger("weasyprint")
    if logger.level == logging.NOTSET:
        logger.setLevel(logging.ERROR)
    fetcher = _fetcher_class()()
    fonts = FontConfiguration()
    faces = weasyprint.CSS(string=font_face_css(), font_config=fonts, url_fetcher=fetcher)
    document = weasyprint.HTML(string=html, url_fetcher=fetcher, base_url=None)
    return document.write_pdf(stylesheets=[faces], font_config=fonts)
