"""The report printed to PDF by WeasyPrint, an optional extra (imported only when asked)."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

from .error import ReportError

PDF_HINT = (
    "PDF output needs WeasyPrint, an optional extra: pip install 'triage[pdf]' "
    "(from a source checkout: pip install '.[pdf]'). "
    "Without it, open the HTML report in any web browser and use Print > Save as PDF."
)


def pdf_available() -> bool:
    try:
        import weasyprint  # noqa: F401
    except Exception:  # ImportError, or OSError when its system libraries are missing
        return False
    return True


def render_pdf(html: str) -> bytes:
    """The HTML printed to PDF by WeasyPrint (the optional extra). ReportError if absent."""
    try:
        import weasyprint
    except Exception as error:
        raise ReportError([f"cannot make a PDF: {error}", PDF_HINT]) from None
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
