print("pds")
