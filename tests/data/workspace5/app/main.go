package main

import (
	"fmt"

	"example.com/util"
	"example.com/ws/core"
)

func main() { fmt.Println(util.Describe(), core.Run()) }
