module nanofaas.dev/examples/json-transform

go 1.19

require nanofaas.dev/runtime v0.0.0

// The runtime lives in this repository; nothing is downloaded (GOPROXY=off builds work).
replace nanofaas.dev/runtime => ../../../runtimes/go
