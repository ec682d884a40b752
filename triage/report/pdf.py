"""The report printed to PDF by WeasyPrint, an optional extra (imported only when asked)."""

from __future__ import annotations

import contextlib
import io
import logging
from collections.abc import Iterator
from types import ModuleType

from ..kb.paths import DISTRIBUTION
from .error import ReportError

BROWSER = "Without it, open the HTML report in any web browser and use Print > Save as PDF."
PDF_HINT = (
    f"PDF output needs WeasyPrint, an optional extra: pip install '{DISTRIBUTION}[pdf]' "
    f"(from a source checkout: pip install '.[pdf]'). {BROWSER}"
)
# WeasyPrint is installed but cannot load Pango, a system library pip cannot install.
SYSTEM_PACKAGES = "libpango-1.0-0 libpangoft2-1.0-0"
PANGO_HINT = (
    "PDF output needs Pango, a system library that pip cannot install. "
    f"On Debian or Ubuntu: sudo apt-get install {SYSTEM_PACKAGES}. {BROWSER}"
)


def _weasyprint() -> ModuleType:
    """Import WeasyPrint without its banner: when Pango is missing it prints a page of advice
    to standard output, then raises OSError (what triage says instead is PANGO_HINT)."""
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        import weasyprint
    return weasyprint


def pdf_missing() -> str:
    """Why no PDF can be made, in one line a person can act on ('' if one can)."""
    try:
        _weasyprint()
    except OSError:
        return PANGO_HINT
    except Exception:  # ImportError: the extra is not installed
        return PDF_HINT
    return ""


def pdf_available() -> bool:
    return not pdf_missing()


def render_pdf(html: str) -> bytes:
    """The HTML printed to PDF by WeasyPrint (the optional extra). ReportError if absent."""
    try:
        weasyprint = _weasyprint()
    except Exception:
        raise ReportError([pdf_missing() or PDF_HINT]) from None
    with _quiet_logs("weasyprint", "fontTools"):
        document = weasyprint.HTML(string=html)
        try:  # tagged (headings, lists, tables): screen readers read it in order
            return document.write_pdf(pdf_tags=True)
        except TypeError:  # a WeasyPrint without the option: untagged, as before
            return document.write_pdf()


@contextlib.contextmanager
def _quiet_logs(*names: str) -> Iterator[None]:
    """WeasyPrint logs warnings about CSS it ignores (for example ``print-color-adjust``);
    with no logging set up, Python prints them on stderr. The report is fine: keep them off."""
    loggers = [logging.getLogger(name) for name in names]
    saved = [(logger.propagate, logger.handlers[:]) for logger in loggers]
    for logger in loggers:
        logger.propagate, logger.handlers = False, [logging.NullHandler()]
    try:
        yield
    finally:
        for logger, (propagate, handlers) in zip(loggers, saved, strict=True):
            logger.propagate, logger.handlers = propagate, handlers
