module example.com/ws/app

go 1.22

require (
	example.com/util v1.0.0
	example.com/ws/core v0.0.0
)

require example.com/lib v1.0.0 // indirect

// For builds without the workspace (GOWORK=off); in the workspace, the used module wins.
replace example.com/ws/core => ../core
