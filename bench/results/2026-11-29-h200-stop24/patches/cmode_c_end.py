open("/tmp/sass/causal_mode","w").write("c_end")
