"""People: persons with one verified e-mail, their memberships, tokens and sign-in."""
