package api

import (
	"example.com/lib"
	"example.com/ws/core"
)

func Serve() string { return lib.Name() + core.Run() }
