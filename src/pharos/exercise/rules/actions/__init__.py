"""The player actions: each declared once (``spec``), grouped by what they act on (``persons``,
``investigation``, ``cooperation``) and listed, with what every action shares, in ``catalogue``."""
