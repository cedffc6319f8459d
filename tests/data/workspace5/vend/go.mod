module example.com/ws/vend

go 1.21

require (
	example.com/lib v1.1.0
	example.com/util v1.3.0
)
