open("/tmp/lg_mode","w").write("comb")
