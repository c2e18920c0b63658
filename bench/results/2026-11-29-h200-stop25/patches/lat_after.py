open("/tmp/lat_mode","w").write("after")
