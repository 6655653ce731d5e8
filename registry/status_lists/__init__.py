"""W3C Bitstring Status List v1.0: revocation and suspension lists of the credentials."""
