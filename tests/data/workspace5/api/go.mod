module example.com/ws/api

go 1.22

require example.com/lib v1.2.0

require example.com/logx v0.1.0 // indirect

exclude example.com/util v1.3.0
