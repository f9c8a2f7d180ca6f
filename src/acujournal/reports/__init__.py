"""PDF reports: report data in, PDF bytes out (ReportLab only; no database, no Qt).

- :class:`acujournal.reports.progress.ProgressReportRenderer` - the practitioner's progress
  report (:class:`acujournal.reports.data.ProgressReportData`);
- :class:`acujournal.reports.summary.PatientSummaryRenderer` - the patient's plain-language
  summary (:class:`acujournal.reports.data.PatientSummaryData`);
- :class:`acujournal.reports.clinic.ClinicReportRenderer` - the clinic manager's report
  (:class:`acujournal.reports.clinic_data.ClinicReportData`).

The data is built by ``acujournal.services.reporting`` and ``acujournal.services.clinic_stats``.
Importing this package does not import ReportLab; the renderer modules do.
"""
