"""Readers of the file formats Pharos imports (CTDC, HTCDS, UNODC GLOTIP)."""
