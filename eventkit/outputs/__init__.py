"""What leaves the app as files: the codebook and export rows, CSV and ZIP exports,
the event report and the QR sheet."""
