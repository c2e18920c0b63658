open("/tmp/sass/dwm_mode","w").write("send")
