"""The holder's portal ``/account/holder``: its use cases (``portal.py``) and pages."""
