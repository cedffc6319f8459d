module example.com/ws/tools

go 1.22

toolchain go1.22.4

require example.com/old v1.0.0

require example.com/lib v1.0.0 // indirect
