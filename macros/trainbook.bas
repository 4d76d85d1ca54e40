Attribute VB_Name = "trainbook"
' One Sub per button on the 首页 sheet; all logic lives in Python (trainbook/xl.py).
' Needs the xlwings add-in or the xlwings VBA module in the workbook.

Sub Validate()
    RunPython "import trainbook.xl; trainbook.xl.validate()"
End Sub

Sub Merge()
    RunPython "import trainbook.xl; trainbook.xl.merge()"
End Sub

Sub Progress()
    RunPython "import trainbook.xl; trainbook.xl.progress()"
End Sub
