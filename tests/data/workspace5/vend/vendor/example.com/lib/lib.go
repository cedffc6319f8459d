package lib

func Name() string { return "lib v1.1.0" }
