package vend

import (
	"example.com/lib"
	"example.com/util"
)

func V() string { return lib.Name() + util.Describe() }
