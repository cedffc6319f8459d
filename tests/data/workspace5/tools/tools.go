package tools

import "example.com/old"

func Tool() string { return old.Old() }
