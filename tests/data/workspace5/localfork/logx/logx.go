package logx

func Log(s string) string { return "local logx: " + s }
