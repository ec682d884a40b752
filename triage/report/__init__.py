"""The printable report: what it shows (view.py), its time (clock.py), the HTML (report.py,
templates.py) and the PDF (pdf.py)."""
