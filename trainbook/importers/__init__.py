"""Reading DingTalk exports and merging them into the master workbook."""
