"""Reports regenerated from the database: narrative, schedule table, lagging list; MD, HTML, DOCX, XLSX."""
