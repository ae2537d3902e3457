"""Results as numbers and pictures: the analysis behind the dashboard and report,
and the charts on the projector and control panel."""
