"""Files made from protected tables: CSV, XLSX and PDF (month exports, the Cell's meeting pack)."""
