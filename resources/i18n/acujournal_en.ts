<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
  <context>
    <name>AuditViewerDialog</name>
    <message numerus="yes">
      <source>%n entries</source>
      <translation>
        <numerusform>%n entry</numerusform>
        <numerusform>%n entries</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Wrote %n entries to %1</source>
      <translation>
        <numerusform>Wrote %n entry to %1</numerusform>
        <numerusform>Wrote %n entries to %1</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message numerus="yes">
      <source>%n patient(s)</source>
      <translation>
        <numerusform>%n patient</numerusform>
        <numerusform>%n patients</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>Reopened %n session(s) that had not been saved.</source>
      <translation>
        <numerusform>Reopened %n session that had not been saved.</numerusform>
        <numerusform>Reopened %n sessions that had not been saved.</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>NeedlePanel</name>
    <message numerus="yes">
      <source>%n needle(s)</source>
      <translation>
        <numerusform>%n needle</numerusform>
        <numerusform>%n needles</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n point(s)</source>
      <translation>
        <numerusform>%n point</numerusform>
        <numerusform>%n points</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>OutcomeChartView</name>
    <message numerus="yes">
      <source>%n follow-up reading(s)</source>
      <translation>
        <numerusform>%n follow-up reading</numerusform>
        <numerusform>%n follow-up readings</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PainChartView</name>
    <message numerus="yes">
      <source>%n follow-up reading(s)</source>
      <translation>
        <numerusform>%n follow-up reading</numerusform>
        <numerusform>%n follow-up readings</numerusform>
      </translation>
    </message>
    <message numerus="yes">
      <source>%n session(s)</source>
      <translation>
        <numerusform>%n session</numerusform>
        <numerusform>%n sessions</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>PatientPage</name>
    <message numerus="yes">
      <source>%n session(s)</source>
      <translation>
        <numerusform>%n session</numerusform>
        <numerusform>%n sessions</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ReportActions</name>
    <message numerus="yes">
      <source>Folder for %n patient summaries</source>
      <translation>
        <numerusform>Folder for %n patient summary</numerusform>
        <numerusform>Folder for %n patient summaries</numerusform>
      </translation>
    </message>
  </context>
</TS>
