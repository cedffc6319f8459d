package util

import "example.com/lib"

func Describe() string { return "util v1.3.0 on " + lib.Name() }
