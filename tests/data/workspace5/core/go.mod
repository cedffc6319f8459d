module example.com/ws/core

go 1.21

require (
	example.com/lib v1.0.0
	example.com/logx v0.1.0
)

// Overridden by go.work's replacement of every example.com/logx version.
replace example.com/logx v0.1.0 => example.com/logx v0.2.0
