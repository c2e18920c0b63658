open("/tmp/own_mode","w").write("late")
