"""The beheerder's screens in the office app: checklists, the indicator catalogue, the handhavingsmatrix, users and
settings. Each screen is its own module; ``OfficeApp`` opens them from the navigation."""
