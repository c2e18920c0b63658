open("/tmp/sass/causal_mode","w").write("d_send")
