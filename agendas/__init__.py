"""Documents made from the domain: printed PDFs (WeasyPrint), calendars, feeds. Reads, never writes."""
