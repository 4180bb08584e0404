"""The views of the questionnaires: staff and volunteer pages, and the woman's link."""
