Attribute VB_Name = "trainbook"
' One Sub per button of the home sheet's panel, written from trainbook/schema/buttons.py by
' macros/build_vba_project.py. All logic lives in Python: each Sub hands one line to RunPython,
' which comes from the xlwings module embedded in the same VBA project (no add-in needed).

Sub Validate()
    RunPython "import trainbook.xl; trainbook.xl.validate()"
End Sub

Sub Merge()
    RunPython "import trainbook.xl; trainbook.xl.merge()"
End Sub

Sub Progress()
    RunPython "import trainbook.xl; trainbook.xl.progress()"
End Sub

Sub Notices()
    RunPython "import trainbook.xl; trainbook.xl.notices()"
End Sub

Sub Send()
    RunPython "import trainbook.xl; trainbook.xl.send()"
End Sub

Sub CheckinQr()
    RunPython "import trainbook.xl; trainbook.xl.qr()"
End Sub

Sub Followup()
    RunPython "import trainbook.xl; trainbook.xl.followup()"
End Sub

Sub Certificates()
    RunPython "import trainbook.xl; trainbook.xl.certificates()"
End Sub

Sub ManagerReport()
    RunPython "import trainbook.xl; trainbook.xl.share()"
End Sub
