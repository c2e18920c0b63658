open("/tmp/lat_mode","w").write("before")
