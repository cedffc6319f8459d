package core

import (
	"example.com/lib"
	"example.com/logx"
)

func Run() string { return logx.Log(lib.Name()) }
