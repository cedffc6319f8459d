module example.com/shop

go 1.21

require (
	example.com/db v1.4.0
	example.com/metrics v1.0.0
	example.com/private/auth.git v1.1.0
	example.com/web v1.2.0
)

require (
	example.com/json v1.2.0 // indirect
	example.com/log v1.3.0 // indirect
	example.com/trace v1.0.0 // indirect
	example.com/yaml v1.0.0 // indirect
)

// v1.3.0 broke decoding of empty arrays.
exclude example.com/json v1.3.0

replace example.com/yaml v1.0.0 => example.com/yamlfork v1.0.1
