"""The after-action report and improvement plan: data, HTML and PDF."""
