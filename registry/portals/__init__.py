"""The work portals of signed-in people: the auditor's (``/account/auditor``), the
certification body's (``/account/body``) and the staff console (``/account/staff``).

Pages only: every read and write goes through the owning feature's service, with the
actor of the person's session (``IdentityService.acting``), so that a page can do no
more than the same person's token could through the API.
"""
