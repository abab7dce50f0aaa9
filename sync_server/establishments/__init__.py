"""The register of establishments (massagesalons, seksinrichtingen, horeca …), their violations and the
handhavingsmatrix that says what the next enforcement step is."""
