"""Report prose from Jinja2 templates: one template set per published family (A–F), small tested filters."""
