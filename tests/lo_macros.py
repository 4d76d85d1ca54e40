"""Running the VBA of an .xlsm in headless LibreOffice: a throw-away profile whose Basic library
loads the workbook with macros allowed, runs Subs of its VBA project (or lists what its form
buttons are bound to), stores the result as .xlsx and logs each outcome."""

from __future__ import annotations

import os
import signal
import subprocess
from pathlib import Path
from xml.sax.saxutils import escape

DRIVER = """
Function OpenDoc(sURL As String) As Object
    Dim props(1) As New com.sun.star.beans.PropertyValue
    props(0).Name = "Hidden" : props(0).Value = True
    props(1).Name = "MacroExecutionMode" : props(1).Value = 4
    OpenDoc = StarDesktop.loadComponentFromURL(sURL, "_blank", 0, props())
End Function

Function Bound(doc As Object, sSheet As String) As String
    Dim dp As Object, frm As Object, ev, k As Integer, c As Integer, e As Integer
    Bound = ""
    dp = doc.Sheets.getByName(sSheet).DrawPage
    For k = 0 To dp.Forms.Count - 1
        frm = dp.Forms.getByIndex(k)
        For c = 0 To frm.Count - 1
            ev = frm.getScriptEvents(c)
            For e = LBound(ev) To UBound(ev)
                If ev(e).EventMethod = "actionPerformed" Then
                    Bound = Bound & frm.getByIndex(c).Label & "=" & ev(e).ScriptCode & "|"
                End If
            Next e
        Next c
    Next k
End Function

Function RunOne(sIn As String, sJob As String, sOut As String) As String
    Dim doc As Object, oScript As Object, aParams(), aOutIdx(), aOut(), sStep As String
    On Error GoTo Failed
    sStep = "load"
    doc = OpenDoc(sIn)
    If Left(sJob, 8) = "buttons:" Then
        RunOne = "OK " & Bound(doc, Mid(sJob, 9))
        doc.close(True)
        Exit Function
    End If
    sStep = "invoke"
    oScript = doc.getScriptProvider().getScript("vnd.sun.star.script:VBAProject." & sJob & "?language=Basic&location=document")
    oScript.invoke(aParams(), aOutIdx(), aOut())
    sStep = "store"
    Dim sp(0) As New com.sun.star.beans.PropertyValue
    sp(0).Name = "FilterName" : sp(0).Value = "Calc MS Excel 2007 XML"
    doc.storeToURL(sOut, sp())
    doc.close(True)
    RunOne = "OK"
    Exit Function
Failed:
    RunOne = "ERR " & sStep & ": " & Err & " " & Replace(Error$, Chr(10), " ")
End Function

Sub RunJob(sJobFile As String)
    Dim sfa As Object, tis As Object, tos As Object, sIn As String, sPrefix As String, sLine As String, sOut As String
    Dim n As Integer
    sfa = createUnoService("com.sun.star.ucb.SimpleFileAccess")
    tis = createUnoService("com.sun.star.io.TextInputStream")
    tis.setInputStream(sfa.openFileRead(ConvertToURL(sJobFile)))
    tis.setEncoding("UTF-8")
    sIn = Trim(Replace(tis.readLine(), Chr(13), ""))
    sPrefix = Trim(Replace(tis.readLine(), Chr(13), ""))
    tos = createUnoService("com.sun.star.io.TextOutputStream")
    tos.setOutputStream(sfa.openFileWrite(ConvertToURL(sPrefix & ".log")))
    tos.setEncoding("UTF-8")
    Do While Not tis.isEOF()
        sLine = Trim(Replace(Replace(tis.readLine(), Chr(13), ""), Chr(10), ""))
        If sLine <> "" Then
            n = n + 1
            sOut = ConvertToURL(sPrefix & "_" & n & ".xlsx")
            tos.writeString(sLine & Chr(9) & RunOne(ConvertToURL(sIn), sLine, sOut) & Chr(10))
        End If
    Loop
    tos.writeString("DONE" & Chr(10))
    tos.closeOutput()
    tis.closeInput()
End Sub
"""
HEAD = '<?xml version="1.0" encoding="UTF-8"?>\n'
LIBRARIES = (HEAD + '<!DOCTYPE library:libraries PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "libraries.dtd">'
             '<library:libraries xmlns:library="http://openoffice.org/2000/library" '
             'xmlns:xlink="http://www.w3.org/1999/xlink"><library:library library:name="Standard" '
             'library:link="false"/></library:libraries>')
LIBRARY = (HEAD + '<!DOCTYPE library:library PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "library.dtd">'
           '<library:library xmlns:library="http://openoffice.org/2000/library" library:name="Standard" '
           'library:readonly="false" library:passwordprotected="false">{}</library:library>')
MODULE = (HEAD + '<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">'
          '<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" '
          'script:language="StarBasic">{}</script:module>')


def _profile(soffice: str, folder: Path) -> Path:
    """A LibreOffice user profile with the driver as its Standard library (made after a first
    start, which would otherwise overwrite it with its defaults)."""
    profile = folder / "profile"
    subprocess.run([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible", "--norestore",
                    "--terminate_after_init"], capture_output=True, timeout=120)
    basic = profile / "user" / "basic"
    (basic / "Standard").mkdir(parents=True, exist_ok=True)
    for name in ("script.xlc", "dialog.xlc"):
        (basic / name).write_text(LIBRARIES, encoding="utf-8")
    (basic / "Standard" / "script.xlb").write_text(LIBRARY.format('<library:element library:name="Module1"/>'),
                                                   encoding="utf-8")
    (basic / "Standard" / "dialog.xlb").write_text(LIBRARY.format(""), encoding="utf-8")
    (basic / "Standard" / "Module1.xba").write_text(MODULE.format(escape(DRIVER, {'"': "&quot;"})), encoding="utf-8")
    return profile


def run_macros(soffice: str, book: Path, jobs: list[str], folder: Path, timeout: float = 180) -> list[tuple[str, str, Path]]:
    """Run each job ("Module.Sub", or "buttons:<sheet>" to list its buttons' bindings) on a fresh
    load of `book`; returns (job, outcome, stored .xlsx) per job."""
    folder.mkdir(parents=True, exist_ok=True)
    profile = _profile(soffice, folder)
    prefix = folder / "out"
    job_file = folder / "job.txt"
    job_file.write_text("\n".join([str(book), str(prefix), *jobs]) + "\n", encoding="utf-8")
    proc = subprocess.Popen([soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--invisible",
                             "--norestore", "--nologo", "--nodefault", "--nolockcheck",
                             f'macro:///Standard.Module1.RunJob("{job_file}")'],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    log = prefix.with_suffix(".log")
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    assert lines and lines[-1] == "DONE", f"LibreOffice did not finish the macros: {lines}"
    return [(job, outcome, folder / f"out_{i}.xlsx")
            for i, (job, outcome) in enumerate((line.split("\t", 1) for line in lines[:-1]), start=1)]
