"""What a generic verifier needs to find and read the registry's credentials: the issuer
URL fixed at init, the JSON-LD context of the credential's terms, the issuer metadata."""
