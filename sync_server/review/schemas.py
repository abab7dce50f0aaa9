"""Review read models live in ``schemas.records`` (InspectionSummary, InspectionDetail)."""
